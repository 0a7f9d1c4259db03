extends "res://e2e/scenario.gd"
## Chat and game state moved with GodotSteam's NetworkingMessages functions alone, no peer: the
## host accepts each player's session, relays chat on channel 0, and collects positions
## streamed unreliably on channel 1, then sends everyone the final state. As in GodotSteam's
## tutorials, every message is var_to_bytes of a Dictionary and Steam.run_callbacks() runs
## every frame.

const CHAT := 0
const STATE := 1
const STREAMED := 60
const FINAL := {"a": Vector2(10, 20), "b": Vector2(-5, 8)}

var requests: Array = []  # remote Steam ids
var session_failures: Array = []  # [reason, remote, state, debug]
var inbox: Array = []  # [channel, sender, Dictionary, flags]
var players: Array = []  # Steam ids of joined players (host)


func _process(_delta: float) -> void:
	Steam.run_callbacks()
	if not Steam.isSteamRunning():
		return
	for channel in [CHAT, STATE]:
		for message in Steam.receiveMessagesOnChannel(channel, 32):
			if message.size != message.payload.size() or message.channel != channel:
				check(false, "a message's size and channel match what arrived")
			inbox.append([channel, message.identity, bytes_to_var(message.payload), message.flags])


func run() -> void:
	var init: Dictionary = Steam.steamInitEx()
	check(init.status == Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx")
	Steam.network_messages_session_request.connect(func(remote: int): requests.append(remote))
	Steam.network_messages_session_failed.connect(func(reason: int, remote: int, state: int, debug: String): session_failures.append([reason, remote, state, debug]))
	if args.role == "host":
		await run_host()
	else:
		await run_client()


func send(to: int, channel: int, what: Dictionary, flags: int = Steam.NETWORKING_SEND_RELIABLE) -> void:
	var result := Steam.sendMessageToUser(to, var_to_bytes(what), flags, channel)
	if result != Steam.RESULT_OK:
		check(false, "sendMessageToUser to %d answered %d" % [to, result])


func taken(channel: int, kind: String) -> Array:
	return inbox.filter(func(entry): return entry[0] == channel and entry[2].get("kind") == kind)


func run_host() -> void:
	check(not Steam.acceptSessionWithUser(arg_int("a")), "acceptSessionWithUser before the user asked: false")
	check(Steam.sendMessageToUser(Steam.getSteamID(), PackedByteArray([1]), Steam.NETWORKING_SEND_RELIABLE, CHAT) == Steam.RESULT_INVALID_PARAM, "a message to ourselves: RESULT_INVALID_PARAM")
	check(Steam.getSessionConnectionInfo(arg_int("a"), true, true) == {"connection_state": 0}, "no session yet: connection_state 0 only")
	print("READY")
	# Accept each player who asks, as GodotSteam's tutorials do.
	if not await wait_until(func(): return requests.has(arg_int("a")) and requests.has(arg_int("b")), 15.0, "network_messages_session_request from both"):
		return
	for remote in [arg_int("a"), arg_int("b")]:
		check(Steam.acceptSessionWithUser(remote), "acceptSessionWithUser(%d)" % remote)
	await wait_until(func(): return taken(CHAT, "join").size() == 2, 10.0, "both joins")
	for entry in taken(CHAT, "join"):
		players.append(entry[1])
		check(entry[3] == Steam.NETWORKING_SEND_RELIABLE, "a reliable message says so in flags")
	for player in players:
		send(player, CHAT, {"kind": "welcome", "players": players})
	# Relay chat: every line to every player, the sender included.
	await wait_until(func(): return taken(CHAT, "say").size() == 2, 10.0, "a chat line from each")
	for entry in taken(CHAT, "say"):
		for player in players:
			send(player, CHAT, {"kind": "said", "from": entry[1], "text": entry[2].text})
	await wait_until(func(): return taken(STATE, "final").size() == 2, 20.0, "both final positions")
	var streamed := taken(STATE, "pos")
	check(streamed.size() >= STREAMED, "most unreliable position updates arrived (%d of %d)" % [streamed.size(), 2 * STREAMED])
	check(streamed.all(func(entry): return entry[3] == Steam.NETWORKING_SEND_UNRELIABLE), "unreliable updates say so in flags")
	var world := {}
	for entry in taken(STATE, "final"):
		world[entry[1]] = entry[2].at
	for player in players:
		var info := Steam.getSessionConnectionInfo(player, true, true)
		check(info.connection_state == 3 and info.identity == player and info.has("ping") and info.has("queue_time"), "getSessionConnectionInfo of a player")
		send(player, STATE, {"kind": "world", "world": world})
	await wait_until(func(): return taken(CHAT, "bye").size() == 2, 15.0, "both players done")
	for player in players:
		send(player, CHAT, {"kind": "done"})
		check(Steam.closeChannelWithUser(player, STATE), "closeChannelWithUser(STATE)")
		# What was sent still arrives: closing lets queued reliable messages out first.
		check(Steam.closeSessionWithUser(player), "closeSessionWithUser")
		check(not Steam.closeSessionWithUser(player), "closeSessionWithUser again: false")


func run_client() -> void:
	var host := arg_int("host")
	var me := arg_int("me")
	send(host, CHAT, {"kind": "join"})
	if not await wait_until(func(): return not taken(CHAT, "welcome").is_empty(), 15.0, "the host's welcome"):
		return
	check(requests.is_empty(), "sending to the host accepted its session: no request")
	check(taken(CHAT, "welcome")[0][2].players.size() == 2, "the welcome lists both players")
	send(host, CHAT, {"kind": "say", "text": "hello from %s" % args.role})
	var other := "b" if args.role == "a" else "a"
	await wait_until(func(): return taken(CHAT, "said").any(func(entry): return entry[2].from == arg_int("other") and entry[2].text == "hello from %s" % other), 10.0, "the other player's chat, through the host")
	for i in STREAMED:
		send(host, STATE, {"kind": "pos", "at": Vector2(i, i)}, Steam.NETWORKING_SEND_UNRELIABLE_NO_DELAY if i % 2 else Steam.NETWORKING_SEND_UNRELIABLE)
		await get_tree().process_frame
	send(host, STATE, {"kind": "final", "at": FINAL[args.role]})
	await wait_until(func(): return not taken(STATE, "world").is_empty(), 15.0, "the world from the host")
	var world: Dictionary = taken(STATE, "world")[0][2].world
	check(world.get(me) == FINAL[args.role] and world.get(arg_int("other")) == FINAL[other], "the world holds both final positions")
	var info := Steam.getSessionConnectionInfo(host, false, true)
	check(info.connection_state == 3 and info.state == 3 and not info.has("identity"), "getSessionConnectionInfo without the connection part")
	if args.role == "a":
		# Nobody runs as this user: the session fails, with GodotSteam's four arguments.
		check(Steam.sendMessageToUser(arg_int("nobody"), var_to_bytes({}), Steam.NETWORKING_SEND_RELIABLE, CHAT) == Steam.RESULT_OK, "a message to a user who is not running is sent")
		if await wait_until(func(): return not session_failures.is_empty(), 15.0, "network_messages_session_failed"):
			check(session_failures[0][1] == arg_int("nobody") and session_failures[0][0] != 0 and session_failures[0][2] == 5, "the failure names the user, a reason and state 5")
	send(host, CHAT, {"kind": "bye"})
	await wait_until(func(): return not taken(CHAT, "done").is_empty(), 15.0, "the host's goodbye")
