extends "res://e2e/scenario.gd"
## Fault injection set through project settings, not the environment: 150 ms of lag on what
## each side receives, so a round trip takes at least 300 ms.

const LAG_MS := 150

var peer := SteamMultiplayerPeer.new()
var pongs: Array = []


func run() -> void:
	check(ProjectSettings.has_setting("steam/local_mode/fake_packet_lag"), "the addon registers its fault-injection settings")
	check(ProjectSettings.get_setting("steam/multiplayer_peer/max_channels") == 4, "max_channels defaults to 4")
	# Read when the process's first peer starts.
	ProjectSettings.set_setting("steam/local_mode/fake_packet_lag", LAG_MS)
	if args.role == "host":
		check(peer.create_host() == OK, "create_host")
		multiplayer.multiplayer_peer = peer
		print("READY")
		await wait_until(func(): return multiplayer.get_peers().size() == 1, 10.0, "the client")
		await wait_until(func(): return pongs.size() == 1, 10.0, "the client to finish")
		return
	check(peer.create_client(arg_int("host")) == OK, "create_client")
	multiplayer.multiplayer_peer = peer
	if not await wait_until(func(): return multiplayer.get_peers().size() == 1, 10.0, "connected_to_server"):
		return
	var sent := Time.get_ticks_msec()
	_ping.rpc_id(1)
	await wait_until(func(): return pongs.size() == 1, 10.0, "the pong")
	var round_trip: int = Time.get_ticks_msec() - sent
	check(round_trip >= 2 * LAG_MS, "the round trip takes the lag twice (%d ms)" % round_trip)
	_done.rpc_id(1)


@rpc("any_peer", "call_remote", "reliable")
func _ping() -> void:
	_pong.rpc_id(multiplayer.get_remote_sender_id())


@rpc("any_peer", "call_remote", "reliable")
func _pong() -> void:
	pongs.append(Time.get_ticks_msec())


@rpc("any_peer", "call_remote", "reliable")
func _done() -> void:
	pongs.append(Time.get_ticks_msec())
