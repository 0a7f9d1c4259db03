extends "res://e2e/rpc_scenario.gd"
## A small game written for expressobits' SteamMultiplayerPeer, with only that generation's peer
## calls: create_host and create_client with virtual ports, networking options through
## set_config, the Steam id lookups that answer -1, the peer map, the listen socket, and
## network_connection_status_changed. Players report their moves to the host by RPC and the
## host sends everyone the state.

const MOVES := {"a": Vector2(3, 4), "b": Vector2(-1, 7)}

var status_changes: Array = []  # [handle, connection, old_state]
var moves := {}
var world := {}


func run() -> void:
	record_events()
	peer = SteamMultiplayerPeer.new()
	peer.network_connection_status_changed.connect(func(handle: int, connection: Dictionary, old_state: int): status_changes.append([handle, connection, old_state]))
	peer.set_config(SteamMultiplayerPeer.NETWORKING_CONFIG_TIMEOUT_INITIAL, 10000)
	peer.set_config(SteamMultiplayerPeer.NETWORKING_CONFIG_SEND_BUFFER_SIZE, 524288)
	check(peer.options.size() == 2 and peer.options[SteamMultiplayerPeer.NETWORKING_CONFIG_TIMEOUT_INITIAL] == 10000, "set_config fills options")
	peer.clear_config(SteamMultiplayerPeer.NETWORKING_CONFIG_SEND_BUFFER_SIZE)
	check(peer.options.keys() == [SteamMultiplayerPeer.NETWORKING_CONFIG_TIMEOUT_INITIAL], "clear_config removes one")
	peer.options[SteamMultiplayerPeer.NETWORKING_CONFIG_P2P_STUN_SERVER_LIST] = "stun.example:3478"
	check(peer.options.size() == 2, "options is the peer's Dictionary")
	peer.clear_config(SteamMultiplayerPeer.NETWORKING_CONFIG_P2P_STUN_SERVER_LIST)
	check(peer.listen_socket == 0, "no listen socket before starting")
	check(peer.get_steam64_from_peer_id(1) == -1 and peer.get_peer_id_from_steam64(arg_int("host")) == -1, "lookups answer -1 before starting")
	if args.role == "host":
		await run_host()
	else:
		await run_client()
	peer.clear_all_configs()
	check(peer.options.is_empty(), "clear_all_configs empties options")


func run_host() -> void:
	check(peer.create_host(0) == OK, "create_host(0)")
	check(peer.listen_socket != 0, "a listen socket once hosting")
	check(peer.get_peer_id_from_steam64(arg_int("host")) == 1, "our own Steam id is peer 1")
	multiplayer.multiplayer_peer = peer
	print("READY")
	if not await wait_until(func(): return multiplayer.get_peers().size() == 2, 20.0, "both players"):
		return
	for role in ["a", "b"]:
		var steam_id := arg_int(role)
		var id := peer.get_peer_id_from_steam64(steam_id)
		check(multiplayer.get_peers().has(id) and peer.get_steam64_from_peer_id(id) == steam_id, "lookups find %s" % role)
		check(peer.get_peer_map().get(id) == steam_id, "get_peer_map holds %s" % role)
		var connected := status_changes.filter(func(change): return change[1].identity == steam_id and change[1].connection_state == 3)
		check(connected.size() >= 1 and connected[0][1].listen_socket == peer.listen_socket, "network_connection_status_changed: %s connected on our listen socket" % role)
	check(peer.get_steam64_from_peer_id(999) == -1 and peer.get_peer_id_from_steam64(5) == -1, "unknown ids: -1")
	await wait_until(func(): return moves.size() == 2, 10.0, "both moves")
	for id in moves:
		world[peer.get_steam64_from_peer_id(id)] = moves[id]
	_world.rpc(world)
	await barrier("end", 2)
	await wait_until(func(): return multiplayer.get_peers().is_empty(), 15.0, "the players to leave")


func run_client() -> void:
	if args.role == "a":
		# In local mode the fake-packet options drive fault injection, here on what a receives.
		peer.set_config(SteamMultiplayerPeer.NETWORKING_CONFIG_FAKE_PACKET_LAG_RECV, 150)
	check(peer.create_client(arg_int("host"), 0) == OK, "create_client(host, 0)")
	multiplayer.multiplayer_peer = peer
	if not await wait_until(func(): return events.has(["to_server"]), 15.0, "connected_to_server"):
		return
	check(peer.get_steam64_from_peer_id(1) == arg_int("host"), "get_steam64_from_peer_id(1) is the host")
	check(peer.get_peer_id_from_steam64(arg_int("me")) == multiplayer.get_unique_id(), "our own Steam id is our peer id")
	var dialled := status_changes.filter(func(change): return change[1].identity == arg_int("host") and change[1].connection_state == 3)
	check(dialled.size() >= 1 and dialled[0][1].listen_socket == 0, "network_connection_status_changed: our dial to the host connected")
	var ping := func(): return peer.get_peer(1).get_connection_quality().ping
	if args.role == "a":
		await wait_until(func(): return ping.call() >= 150, 10.0, "NETWORKING_CONFIG_FAKE_PACKET_LAG_RECV 150 shows in the ping")
	else:
		await wait_until(func(): return ping.call() >= 0, 10.0, "a ping")
		check(ping.call() < 100, "no option, no added lag (ping %d ms)" % ping.call())
	_move.rpc_id(1, MOVES[args.role])
	await wait_until(func(): return world.size() == 2, 10.0, "the world from the host")
	check(world.get(arg_int("me")) == MOVES[args.role] and world.get(arg_int("other")) == MOVES["b" if args.role == "a" else "a"], "the world holds both moves")
	await barrier("end", 2)
	peer.close()


@rpc("any_peer", "call_remote", "reliable")
func _move(to: Vector2) -> void:
	moves[multiplayer.get_remote_sender_id()] = to


@rpc("authority", "call_remote", "reliable")
func _world(state: Dictionary) -> void:
	world = state
