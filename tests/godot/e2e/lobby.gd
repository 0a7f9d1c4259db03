extends "res://e2e/scenario.gd"
## GodotSteam's lobby and P2P tutorials, call by call, in local mode: the host creates a
## public lobby and describes it; a lists lobbies with filters and joins; b joins, is killed,
## and counts as disconnected; a chats and shakes hands over P2P with the host, which accepts
## the session; a sets member data; the host leaves and a inherits the lobby.

const LOBBY_NAME := "Tutorial lobby"

var lobby_id := 0
var updates: Array = []  # [changed_id, chat_state] from lobby_chat_update
var messages: Array = []  # [user, message] from lobby_message
var data_updates: Array = []  # member_id from lobby_data_update
var packets: Array = []  # [sender, Dictionary] read over P2P
var found: Array = []
var listed := false
var joined_response := 0


func _process(_delta: float) -> void:
	Steam.run_callbacks()
	read_p2p_packets()


func run() -> void:
	var init: Dictionary = Steam.steamInitEx()
	check(init.status == Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx in local mode: %s" % init.verbal)
	# As GodotSteam's initialization tutorial checks.
	check(Steam.isSubscribed(), "isSubscribed in local mode")
	check(not Steam.isSteamRunningOnSteamDeck(), "no Steam Deck in local mode")
	Steam.lobby_created.connect(_on_lobby_created)
	Steam.lobby_match_list.connect(func(lobbies: Array): found = lobbies; listed = true)
	Steam.lobby_joined.connect(func(lobby: int, _permissions: int, _locked: bool, response: int): joined_response = response; lobby_id = lobby)
	Steam.lobby_chat_update.connect(func(_lobby: int, changed_id: int, _making_change_id: int, chat_state: int): updates.append([changed_id, chat_state]))
	Steam.lobby_message.connect(func(_lobby: int, user: int, message: String, _chat_type: int): messages.append([user, message]))
	Steam.lobby_data_update.connect(func(_success: int, _lobby: int, member_id: int): data_updates.append(member_id))
	Steam.p2p_session_request.connect(_on_p2p_session_request)
	match args.role:
		"host":
			await run_host()
		"a":
			await run_a()
		"b":
			await run_b()


func run_host() -> void:
	Steam.createLobby(Steam.LOBBY_TYPE_PUBLIC, 4)
	if not await wait_until(func(): return lobby_id != 0, 10.0, "lobby_created"):
		return
	print("READY")
	var a := arg_int("a")
	var b := arg_int("b")
	await wait_until(func(): return updates.has([a, Steam.CHAT_MEMBER_STATE_CHANGE_ENTERED]), 20.0, "a to enter")
	check(Steam.getFriendPersonaName(a) == "Player 2", "a's persona name is known")
	await wait_until(func(): return updates.has([b, Steam.CHAT_MEMBER_STATE_CHANGE_DISCONNECTED]), 20.0, "b to enter and be killed")
	check(updates.has([b, Steam.CHAT_MEMBER_STATE_CHANGE_ENTERED]), "lobby_chat_update: b entered")
	check(Steam.getNumLobbyMembers(lobby_id) == 2, "b's place freed once its process died")
	await wait_until(func(): return messages.has([a, "hello from Player 2"]), 10.0, "a's chat message")
	check(Steam.sendLobbyChatMsg(lobby_id, "welcome"), "sendLobbyChatMsg")
	await wait_until(func(): return packets.any(func(p): return p[1].get("message") == "handshake"), 10.0, "a's P2P handshake")
	check(Steam.getP2PSessionState(a).get("connection_active", false), "getP2PSessionState: the session is active")
	# The other send types, on a channel a does not read, and one Steam refuses.
	check(Steam.sendP2PPacket(a, PackedByteArray([1]), Steam.P2P_SEND_UNRELIABLE_NO_DELAY, 1), "sendP2PPacket unreliable, no delay")
	check(Steam.sendP2PPacket(a, PackedByteArray([2]), Steam.P2P_SEND_RELIABLE_WITH_BUFFERING, 1), "sendP2PPacket reliable with buffering")
	var too_big := PackedByteArray()
	too_big.resize(1300)
	check(not Steam.sendP2PPacket(a, too_big, Steam.P2P_SEND_UNRELIABLE, 1), "an unreliable packet over 1200 bytes is refused")
	await wait_until(func(): return data_updates.has(a), 10.0, "lobby_data_update for a's member data")
	check(Steam.getLobbyMemberData(lobby_id, a, "ready") == "yes", "getLobbyMemberData reads a's data")
	Steam.leaveLobby(lobby_id)
	check(Steam.getNumLobbyMembers(lobby_id) == 0, "we are out of the lobby")
	await run_owner_calls(a)
	print("QUITTING")


## The owner's less common calls, in a second lobby made once the first is left, so that a
## sees none of their updates.
func run_owner_calls(a: int) -> void:
	var verbose := SteamMultiplayerPeer.new()
	verbose.debug_level = SteamMultiplayerPeer.DEBUG_LEVEL_STEAM
	verbose.debug_level = SteamMultiplayerPeer.DEBUG_LEVEL_NONE
	check(Steam.loggedOn(), "loggedOn")
	Steam.initRelayNetworkAccess()
	check(Steam.getRelayNetworkStatus() == Steam.NETWORKING_AVAILABILITY_CURRENT, "getRelayNetworkStatus: available")
	check(Steam.closeP2PChannelWithUser(a, 1), "closeP2PChannelWithUser")
	lobby_id = 0
	Steam.createLobby(Steam.LOBBY_TYPE_PRIVATE, 4)
	if not await wait_until(func(): return lobby_id != 0, 10.0, "a second lobby"):
		return
	check(Steam.setLobbyData(lobby_id, "scratch", "x") and Steam.deleteLobbyData(lobby_id, "scratch"), "deleteLobbyData")
	check(Steam.getLobbyData(lobby_id, "scratch") == "", "a deleted key reads empty")
	check(Steam.getAllLobbyData(lobby_id).size() == 3, "getAllLobbyData: name, mode and level")
	check(Steam.setLobbyMemberLimit(lobby_id, 6) and Steam.getLobbyMemberLimit(lobby_id) == 6, "setLobbyMemberLimit")
	check(Steam.setLobbyType(lobby_id, Steam.LOBBY_TYPE_INVISIBLE) and Steam.setLobbyType(lobby_id, Steam.LOBBY_TYPE_FRIENDS_ONLY), "setLobbyType")
	check(not Steam.setLobbyOwner(lobby_id, a), "setLobbyOwner refuses a user outside the lobby")
	Steam.leaveLobby(lobby_id)


func _on_lobby_created(connect: int, this_lobby_id: int) -> void:
	check(connect == Steam.RESULT_OK and Steam.RESULT_OK == 1, "lobby_created with RESULT_OK")
	check(Steam.setLobbyJoinable(this_lobby_id, true), "setLobbyJoinable")
	check(Steam.setLobbyData(this_lobby_id, "name", LOBBY_NAME), "setLobbyData name")
	check(Steam.setLobbyData(this_lobby_id, "mode", "coop"), "setLobbyData mode")
	check(Steam.setLobbyData(this_lobby_id, "level", "7"), "setLobbyData level")
	check(Steam.allowP2PPacketRelay(true), "allowP2PPacketRelay")
	check(Steam.getLobbyOwner(this_lobby_id) == Steam.getSteamID(), "we own it")
	check(Steam.getLobbyMemberLimit(this_lobby_id) == 4, "getLobbyMemberLimit")


func list_lobbies() -> Array:
	listed = false
	Steam.requestLobbyList()
	await wait_until(func(): return listed, 5.0, "lobby_match_list")
	return found


func run_a() -> void:
	var host := arg_int("host")
	Steam.addRequestLobbyListDistanceFilter(Steam.LOBBY_DISTANCE_FILTER_WORLDWIDE)
	Steam.addRequestLobbyListStringFilter("mode", "coop", Steam.LOBBY_COMPARISON_EQUAL)
	Steam.addRequestLobbyListNumericalFilter("level", 5, Steam.LOBBY_COMPARISON_GREATER_THAN)
	Steam.addRequestLobbyListResultCountFilter(10)
	Steam.addRequestLobbyListFilterSlotsAvailable(1)
	Steam.addRequestLobbyListNearValueFilter("level", 7)
	var lobbies: Array = await list_lobbies()
	var lobby := 0
	for candidate in lobbies:
		if Steam.getLobbyData(candidate, "name") == LOBBY_NAME and Steam.getNumLobbyMembers(candidate) == 1:
			lobby = candidate
	if not check(lobby != 0, "the filtered list shows the host's lobby"):
		return
	Steam.joinLobby(lobby)
	await wait_until(func(): return joined_response != 0, 10.0, "lobby_joined")
	check(joined_response == Steam.CHAT_ROOM_ENTER_RESPONSE_SUCCESS, "joined with SUCCESS")
	check(member_names(lobby) == ["Player 1", "Player 2"], "members with their names: %s" % [member_names(lobby)])
	print("JOINED")
	var b := arg_int("b")
	await wait_until(func(): return updates.has([b, Steam.CHAT_MEMBER_STATE_CHANGE_DISCONNECTED]), 20.0, "b to enter and be killed")
	check(updates.has([b, Steam.CHAT_MEMBER_STATE_CHANGE_ENTERED]), "lobby_chat_update: b entered, then disconnected")
	check(Steam.sendLobbyChatMsg(lobby, "hello from Player 2"), "sendLobbyChatMsg")
	await wait_until(func(): return messages.has([host, "welcome"]), 10.0, "the host's answer")
	check(messages.has([Steam.getSteamID(), "hello from Player 2"]), "our own message comes back too")
	check(Steam.sendP2PPacket(host, var_to_bytes({"message": "handshake", "from": Steam.getSteamID()}), Steam.P2P_SEND_RELIABLE, 0), "sendP2PPacket")
	await wait_until(func(): return packets.any(func(p): return p[0] == host and p[1].get("message") == "ack"), 10.0, "the host's P2P answer")
	Steam.setLobbyMemberData(lobby, "ready", "yes")
	await wait_until(func(): return updates.has([host, Steam.CHAT_MEMBER_STATE_CHANGE_LEFT]), 20.0, "the host to leave")
	await wait_until(func(): return Steam.getLobbyOwner(lobby) == Steam.getSteamID(), 5.0, "ownership to pass to us")
	check(data_updates.has(lobby), "lobby_data_update for the owner change")
	check(Steam.setLobbyData(lobby, "name", "Player 2's lobby"), "the new owner sets lobby data")
	check(Steam.closeP2PSessionWithUser(host), "closeP2PSessionWithUser")
	check(Steam.getP2PSessionState(host).is_empty(), "no session once closed")
	Steam.leaveLobby(lobby)


func run_b() -> void:
	Steam.addRequestLobbyListStringFilter("mode", "pvp", Steam.LOBBY_COMPARISON_EQUAL)
	var none: Array = await list_lobbies()
	check(none.is_empty(), "a filter that matches nothing finds nothing")
	var lobbies: Array = await list_lobbies()
	if not check(lobbies.size() == 1, "one lobby without filters"):
		return
	Steam.joinLobby(lobbies[0])
	await wait_until(func(): return joined_response != 0, 10.0, "lobby_joined")
	check(member_names(lobby_id) == ["Player 1", "Player 2", "Player 3"], "three members, in the order they joined")
	var all_data: Dictionary = Steam.getAllLobbyData(lobby_id)
	var keys := []
	for index in all_data:
		keys.append(all_data[index]["key"])
	keys.sort()
	check(keys == ["level", "mode", "name"], "getAllLobbyData: %s" % [keys])
	# The runner kills this process when it reads the next line.
	print("KILL ME")
	await wait_until(func(): return false, 30.0, "being killed")


func member_names(lobby: int) -> Array:
	var names := []
	for index in Steam.getNumLobbyMembers(lobby):
		names.append(Steam.getFriendPersonaName(Steam.getLobbyMemberByIndex(lobby, index)))
	return names


func _on_p2p_session_request(remote_steam_id: int) -> void:
	check(Steam.getFriendPersonaName(remote_steam_id) != "", "p2p_session_request from a known user")
	Steam.acceptP2PSessionWithUser(remote_steam_id)


func read_p2p_packets() -> void:
	var packet_size := Steam.getAvailableP2PPacketSize(0)
	while packet_size > 0:
		var packet: Dictionary = Steam.readP2PPacket(packet_size, 0)
		var sender: int = packet["remote_steam_id"]
		var data: Dictionary = bytes_to_var(packet["data"])
		packets.append([sender, data])
		if data.get("message") == "handshake":
			Steam.sendP2PPacket(sender, var_to_bytes({"message": "ack"}), Steam.P2P_SEND_RELIABLE, 0)
		packet_size = Steam.getAvailableP2PPacketSize(0)
