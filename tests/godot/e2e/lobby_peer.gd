extends "res://e2e/rpc_scenario.gd"
## SteamMultiplayerPeer started from a lobby: the owner hosts with host_with_lobby, members join
## with connect_to_lobby and form a full mesh; a late joiner meshes with everyone; a member
## who leaves the lobby is dropped by all; a stranger outside the lobby is refused. Callbacks
## are embedded: no one calls Steam.run_callbacks().

const LOBBY_NAME := "Peer lobby"

var lobby_id := 0
var found: Array = []
var listed := false
var joined_response := 0
var chats: Array = []  # [sender peer id, text]


func run() -> void:
	record_events()
	# Embedded callbacks: nobody here calls Steam.run_callbacks().
	var init: Dictionary = Steam.steamInitEx(0, true)
	check(init.status == Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx with embedded callbacks")
	peer = new_peer()
	Steam.lobby_created.connect(func(_connect: int, lobby: int): lobby_id = lobby)
	Steam.lobby_match_list.connect(func(lobbies: Array): found = lobbies; listed = true)
	Steam.lobby_joined.connect(func(lobby: int, _permissions: int, _locked: bool, response: int): joined_response = response; lobby_id = lobby)
	match args.role:
		"host":
			await run_host()
		"stranger":
			await run_stranger()
		_:
			await run_member()


func run_host() -> void:
	var outsider := new_peer()
	expect_error("Steam is not initialized")
	Steam.steamShutdown()
	check(outsider.host_with_lobby(1) == ERR_CANT_CREATE, "host_with_lobby before steamInit: ERR_CANT_CREATE")
	Steam.steamInitEx(0, true)
	Steam.createLobby(Steam.LOBBY_TYPE_PUBLIC, 8)
	if not await wait_until(func(): return lobby_id != 0, 10.0, "lobby_created"):
		return
	Steam.setLobbyData(lobby_id, "name", LOBBY_NAME)
	check(peer.host_with_lobby(lobby_id) == OK, "host_with_lobby")
	expect_error("already active")
	check(peer.host_with_lobby(lobby_id) == ERR_ALREADY_IN_USE, "host_with_lobby twice: ERR_ALREADY_IN_USE")
	multiplayer.multiplayer_peer = peer
	print("READY")
	await wait_until(func(): return multiplayer.get_peers().size() == 2, 20.0, "a and b")
	var b := peer.get_peer_id_for_steam_id(arg_int("b"))
	# By id, not by count: b may leave as soon as the late joiner arrives.
	await wait_until(func(): return peer.get_peer_id_for_steam_id(arg_int("late")) != 0, 20.0, "the late joiner")
	await wait_until(func(): return events.has(["disconnected", b]), 20.0, "b to be dropped when it leaves the lobby")
	await barrier("end", 2)
	print("QUITTING")


func run_member() -> void:
	var me := arg_int("me")
	var not_member := new_peer()
	await join_lobby()
	if lobby_id == 0:
		return
	check(Steam.getLobbyOwner(lobby_id) == arg_int("host"), "the host owns the lobby")
	expect_error("we do not own lobby")
	check(not_member.host_with_lobby(lobby_id) == ERR_CANT_CREATE, "host_with_lobby on a lobby we do not own: ERR_CANT_CREATE")
	check(peer.connect_to_lobby(lobby_id) == OK, "connect_to_lobby")
	expect_error("already active")
	check(peer.connect_to_lobby(lobby_id) == ERR_ALREADY_IN_USE, "connect_to_lobby twice: ERR_ALREADY_IN_USE")
	multiplayer.multiplayer_peer = peer
	if not await wait_until(func(): return events.has(["to_server"]), 15.0, "connected_to_server"):
		return
	var expected := 2 if args.role == "late" else 1
	await wait_until(func(): return multiplayer.get_peers().size() == expected + 1, 20.0, "a direct connection to every member")
	match args.role:
		"a", "b":
			print("MESHED")
			var other := peer.get_peer_id_for_steam_id(arg_int("other"))
			check(multiplayer.get_peers().has(other), "the other member is a peer")
			_chat.rpc_id(other, "from %s" % args.role)
			await wait_until(func(): return chats.has([other, "from %s" % ("b" if args.role == "a" else "a")]), 10.0, "the other member's RPC, directly")
			# By id, not by count: b leaves as soon as it hears from the late joiner.
			await wait_until(func(): return peer.get_peer_id_for_steam_id(arg_int("late")) != 0, 30.0, "the late joiner")
			var late := peer.get_peer_id_for_steam_id(arg_int("late"))
			await wait_until(func(): return chats.has([late, "hello from late"]), 10.0, "the late joiner's RPC")
			if args.role == "b":
				Steam.leaveLobby(lobby_id)
				await wait_until(func(): return multiplayer.get_peers().is_empty(), 15.0, "everyone to drop us once we left the lobby")
				return
			await wait_until(func(): return events.has(["disconnected", other]), 15.0, "b to be dropped when it leaves the lobby")
			await barrier("end", 2)
			await wait_until(func(): return events.has(["server_gone"]), 10.0, "server_disconnected when the host quits")
		"late":
			# Read b's id while it is connected: it leaves as soon as it hears from us.
			var b := peer.get_peer_id_for_steam_id(arg_int("b"))
			for steam_id in [arg_int("a"), arg_int("b")]:
				var id := peer.get_peer_id_for_steam_id(steam_id)
				check(multiplayer.get_peers().has(id), "the late joiner is meshed with %d" % steam_id)
				_chat.rpc_id(id, "hello from late")
			await wait_until(func(): return events.has(["disconnected", b]), 15.0, "b to be dropped when it leaves the lobby")
			await barrier("end", 2)
			await wait_until(func(): return events.has(["server_gone"]), 10.0, "server_disconnected when the host quits")


## Someone who never joins the lobby: the host refuses it.
func run_stranger() -> void:
	check(peer.create_client(arg_int("host")) == OK, "a stranger starts connecting")
	multiplayer.multiplayer_peer = peer
	var started := Time.get_ticks_msec()
	await wait_until(func(): return events.has(["failed"]), 15.0, "connection_failed for a stranger")
	check(Time.get_ticks_msec() - started < 12000, "refused within the admission grace")


func join_lobby() -> void:
	listed = false
	Steam.addRequestLobbyListStringFilter("name", LOBBY_NAME, Steam.LOBBY_COMPARISON_EQUAL)
	Steam.requestLobbyList()
	await wait_until(func(): return listed, 10.0, "lobby_match_list")
	if not check(found.size() == 1, "the lobby is listed"):
		return
	Steam.joinLobby(found[0])
	await wait_until(func(): return joined_response != 0, 10.0, "lobby_joined")
	check(joined_response == Steam.CHAT_ROOM_ENTER_RESPONSE_SUCCESS, "joined the lobby")


@rpc("any_peer", "call_remote", "reliable")
func _chat(text: String) -> void:
	chats.append([multiplayer.get_remote_sender_id(), text])
