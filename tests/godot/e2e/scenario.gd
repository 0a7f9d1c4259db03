extends Node
## What every scenario shares: its arguments, checks that print what they found, and waits
## that give up after a bounded time.

var args: Dictionary
var failures := 0


func _ready() -> void:
	await run()
	print("E2E %s %s" % [args.get("role"), "passed" if failures == 0 else "FAILED"])
	multiplayer.multiplayer_peer = null
	get_tree().quit(0 if failures == 0 else 1)


## Overridden by each scenario.
func run() -> void:
	pass


func check(condition: bool, what: String) -> bool:
	if condition:
		print("CHECK ok: ", what)
	else:
		failures += 1
		print("FAIL: ", what)
	return condition


## Waits frame by frame until `condition` holds, at most `seconds`.
func wait_until(condition: Callable, seconds: float, what: String) -> bool:
	var deadline := Time.get_ticks_msec() + int(seconds * 1000.0)
	while not condition.call():
		if Time.get_ticks_msec() > deadline:
			return check(false, "%s (gave up after %s s)" % [what, seconds])
		await get_tree().process_frame
	return true


## A new peer on the transport the runner chose: `--transport=legacy_p2p` puts it on the
## legacy P2P API, which runs on the Steam singleton's sessions.
func new_peer() -> SteamMultiplayerPeer:
	var made := SteamMultiplayerPeer.new()
	# For reading a failed run: E2E_DEBUG_PEER=1 logs every peer's connections and drops.
	if OS.get_environment("E2E_DEBUG_PEER") == "1":
		made.debug_level = SteamMultiplayerPeer.DEBUG_LEVEL_PEER
	if args.get("transport") == "legacy_p2p":
		if not Steam.isSteamRunning():
			Steam.steamInitEx()
		made.transport = SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P
	return made


func arg_int(key: String) -> int:
	return String(args.get(key, "0")).to_int()


## Announces an error we are about to cause on purpose, so the test runner allows it. It goes
## to stderr, like the error itself, so the runner reads the two in order.
func expect_error(text: String) -> void:
	printerr("EXPECT-ERROR: ", text)
