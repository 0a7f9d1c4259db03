extends "res://e2e/rpc_scenario.gd"
## A small lobby game written for GodotSteam's earlier, lobby-based SteamMultiplayerPeer, with
## only that generation's peer calls: the host creates the lobby with create_lobby and assigns
## the peer at once, clients join with connect_lobby, the members mesh, and the game runs on
## RPCs. Callbacks run as such games run them: Steam.run_callbacks() every frame.

const LOBBY_NAME := "Earlier GodotSteam lobby"
const SCORES := {"a": 2, "b": 3}

var created: Array = []  # [connect, lobby_id]
var joined: Array = []  # [lobby, response]
var chat_updates: Array = []  # [changed_id, chat_state]
var lobby_messages: Array = []  # [user, message]
var greetings: Array = []  # [sender peer id, text]
var scores := {}
var final_total := -1
var found: Array = []
var listed := false
var peer_lists: Array = []  # lobby_match_list on the peer
var invites: Array = []  # [inviter, lobby]
var data_updates: Array = []  # [success, lobby, member]


func _process(_delta: float) -> void:
	Steam.run_callbacks()


func run() -> void:
	record_events()
	expect_error("Steam is not initialized")
	check(SteamMultiplayerPeer.new().connect_lobby(109775244925020489) == ERR_CANT_CREATE, "connect_lobby before steamInitEx: ERR_CANT_CREATE")
	var init: Dictionary = Steam.steamInitEx()
	check(init.status == Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx")
	peer = SteamMultiplayerPeer.new()
	peer.lobby_created.connect(func(connect: int, lobby: int): created.append([connect, lobby]))
	peer.lobby_joined.connect(func(lobby: int, _permissions: int, _locked: bool, response: int): joined.append([lobby, response]))
	peer.lobby_chat_update.connect(func(_lobby: int, changed: int, _making_change: int, state: int): chat_updates.append([changed, state]))
	peer.lobby_message.connect(func(_lobby: int, user: int, message: String, _chat_type: int): lobby_messages.append([user, message]))
	peer.lobby_match_list.connect(func(lobbies: Array): peer_lists.append(lobbies))
	peer.lobby_invite.connect(func(inviter: int, lobby: int, _game: int): invites.append([inviter, lobby]))
	peer.lobby_data_update.connect(func(success: int, lobby: int, member: int): data_updates.append([success, lobby, member]))
	check(peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_NOT_CONNECTED, "LOBBY_STATE_NOT_CONNECTED before starting")
	check(not peer.as_relay, "as_relay is off by default")
	if args.role == "host":
		await run_host()
	else:
		await run_client()


func run_host() -> void:
	await refused_lobby()
	check(peer.create_lobby(SteamMultiplayerPeer.LOBBY_TYPE_PUBLIC) == OK, "create_lobby")
	check(peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_HOST_PENDING, "LOBBY_STATE_HOST_PENDING until Steam answers")
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTING, "connecting until the lobby exists")
	# As the earlier peer's examples do: assigned at once, before the lobby exists.
	multiplayer.multiplayer_peer = peer
	expect_error("already active")
	check(peer.create_lobby(SteamMultiplayerPeer.LOBBY_TYPE_PUBLIC) == ERR_ALREADY_IN_USE, "create_lobby twice: ERR_ALREADY_IN_USE")
	if not await wait_until(func(): return not created.is_empty(), 10.0, "lobby_created on the peer"):
		return
	check(created[0][0] == Steam.RESULT_OK, "lobby_created says OK")
	var lobby: int = created[0][1]
	check(peer.get_lobby_id() == lobby, "get_lobby_id is the new lobby")
	await wait_until(func(): return peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_HOSTING, 10.0, "LOBBY_STATE_HOSTING")
	check(not joined.is_empty() and joined[0] == [lobby, Steam.CHAT_ROOM_ENTER_RESPONSE_SUCCESS], "lobby_joined on the peer")
	check(multiplayer.is_server() and multiplayer.get_unique_id() == 1, "the lobby's creator is peer 1")
	check(Steam.getLobbyMemberLimit(lobby) == 32, "max_players defaults to 32")
	Steam.setLobbyData(lobby, "name", LOBBY_NAME)
	print("READY")
	if not await wait_until(func(): return multiplayer.get_peers().size() == 2, 30.0, "both clients"):
		return
	var entered := func(user: int): return chat_updates.has([user, SteamMultiplayerPeer.CHAT_CHANGE_ENTERED])
	check(entered.call(arg_int("a")) and entered.call(arg_int("b")), "lobby_chat_update with CHAT_CHANGE_ENTERED for both")
	var map := peer.get_peer_map()
	check(map.size() == 2 and map.values().has(arg_int("a")) and map.values().has(arg_int("b")), "get_peer_map holds both clients")
	for id in map:
		check(peer.get_steam64_from_peer_id(id) == map[id] and peer.get_peer_id_from_steam64(map[id]) == id, "lookups agree with the map for %d" % id)
	check(peer.get_steam64_from_peer_id(1) == Steam.getSteamID(), "get_steam64_from_peer_id(1) is us")
	var debug := peer.collect_debug_data()
	check(debug.lobby_state == SteamMultiplayerPeer.LOBBY_STATE_HOSTING and debug.connections.size() == 2, "collect_debug_data: hosting, two connections")
	check(debug.lobby_id.GetAccountID == lobby & 0xFFFFFFFF, "collect_debug_data names the lobby")
	check(debug.dropped.keys() == ["malformed", "stale", "duplicate", "unknown_connection", "refused_flood", "transport"] and debug.dropped.malformed == 0, "collect_debug_data counts what the network sent that was dropped: nothing malformed here")
	Steam.setLobbyData(lobby, "round", "1")
	Steam.activateGameOverlayInviteDialog(lobby)
	await barrier("greet", 2)
	await wait_until(func(): return scores.size() == 2, 10.0, "both scores")
	var total := 0
	for value in scores.values():
		total += value
	_final.rpc(total)
	await barrier("end", 2)
	await wait_until(func(): return multiplayer.get_peers().is_empty(), 15.0, "the clients to leave")
	var left := func(user: int): return chat_updates.has([user, SteamMultiplayerPeer.CHAT_CHANGE_LEFT])
	await wait_until(func(): return left.call(arg_int("a")) and left.call(arg_int("b")), 10.0, "lobby_chat_update with CHAT_CHANGE_LEFT for both")
	peer.close()
	check(peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_NOT_CONNECTED, "close() ends the lobby state")


## A lobby Steam will not create: the peer says why and is back to not connected.
func refused_lobby() -> void:
	var refused := SteamMultiplayerPeer.new()
	var said: Array = []
	var answers: Array = []
	refused.debug_data.connect(func(data: Dictionary): said.append(data))
	refused.lobby_created.connect(func(connect: int, lobby: int): answers.append([connect, lobby]))
	expect_error("not a LOBBY_TYPE_* constant")
	check(refused.create_lobby(99) == ERR_INVALID_PARAMETER, "create_lobby with an unknown type: ERR_INVALID_PARAMETER")
	check(refused.create_lobby(SteamMultiplayerPeer.LOBBY_TYPE_PRIVATE_UNIQUE, 4) == OK, "create_lobby(LOBBY_TYPE_PRIVATE_UNIQUE) asks Steam")
	expect_error("Steam could not create the lobby")
	await wait_until(func(): refused.poll(); return not said.is_empty(), 5.0, "debug_data saying why")
	check(answers == [[Steam.RESULT_INVALID_PARAM, 0]], "lobby_created with Steam's refusal")
	check(refused.get_state() == SteamMultiplayerPeer.LOBBY_STATE_NOT_CONNECTED, "back to LOBBY_STATE_NOT_CONNECTED")
	check(refused.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED, "and disconnected")


func run_client() -> void:
	Steam.lobby_match_list.connect(func(lobbies: Array): found = lobbies; listed = true)
	Steam.addRequestLobbyListStringFilter("name", LOBBY_NAME, Steam.LOBBY_COMPARISON_EQUAL)
	Steam.requestLobbyList()
	await wait_until(func(): return listed, 10.0, "lobby_match_list")
	if not check(found.size() == 1, "the lobby is listed"):
		return
	var lobby: int = found[0]
	check(peer.connect_lobby(lobby) == OK, "connect_lobby")
	check(peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_CLIENT_PENDING, "LOBBY_STATE_CLIENT_PENDING")
	multiplayer.multiplayer_peer = peer
	if not await wait_until(func(): return events.has(["to_server"]), 15.0, "connected_to_server"):
		return
	check(peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_CLIENT, "LOBBY_STATE_CLIENT")
	check(peer.get_lobby_id() == lobby, "get_lobby_id")
	check(joined.has([lobby, Steam.CHAT_ROOM_ENTER_RESPONSE_SUCCESS]), "lobby_joined on the peer")
	check(peer.get_steam64_from_peer_id(1) == arg_int("host"), "get_steam64_from_peer_id(1) is the lobby's owner")
	check(peer.get_peer_id_from_steam64(12345) == -1, "an unknown Steam id: -1")
	if not await wait_until(func(): return multiplayer.get_peers().size() == 2, 20.0, "the host and the other member"):
		return
	var other := peer.get_peer_id_from_steam64(arg_int("other"))
	check(multiplayer.get_peers().has(other), "the other member is a peer (mesh)")
	_greet.rpc_id(other, "hi from %s" % args.role)
	await wait_until(func(): return greetings.has([other, "hi from %s" % ("b" if args.role == "a" else "a")]), 10.0, "the other member's greeting, directly")
	Steam.sendLobbyChatMsg(lobby, "chat from %s" % args.role)
	await wait_until(func(): return lobby_messages.has([Steam.getSteamID(), "chat from %s" % args.role]), 10.0, "lobby_message on the peer")
	await barrier("greet", 2)
	await wait_until(func(): return data_updates.has([1, lobby, lobby]), 10.0, "lobby_data_update on the peer")
	await wait_until(func(): return invites.has([arg_int("host"), lobby]), 10.0, "lobby_invite on the peer")
	Steam.requestLobbyList()
	await wait_until(func(): return peer_lists.any(func(lobbies): return lobbies.has(lobby)), 10.0, "lobby_match_list on the peer")
	_score.rpc_id(1, SCORES[args.role])
	await wait_until(func(): return final_total != -1, 10.0, "the final score")
	check(final_total == 5, "everyone's score arrived")
	await barrier("end", 2)
	peer.close()
	check(peer.get_state() == SteamMultiplayerPeer.LOBBY_STATE_NOT_CONNECTED, "close() leaves the lobby")


@rpc("any_peer", "call_remote", "reliable")
func _greet(text: String) -> void:
	greetings.append([multiplayer.get_remote_sender_id(), text])


@rpc("any_peer", "call_remote", "reliable")
func _score(value: int) -> void:
	scores[multiplayer.get_remote_sender_id()] = value


@rpc("authority", "call_remote", "reliable")
func _final(total: int) -> void:
	final_total = total
