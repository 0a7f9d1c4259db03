extends Node
## The Steam lobby we are in, and the multiplayer peer that follows it (autoload `Lobby`).
## The lobby's owner hosts the game with `host_with_lobby`, every other member joins it with
## `connect_to_lobby`; the peer then connects members who join and drops those who leave.
## The same calls run on Steam and in local mode.

## Lobbies found by `refresh_list`, each `{"id", "name", "members", "limit"}`.
signal list_received(lobbies: Array[Dictionary])
## We are in a lobby now (`lobby_id`), and its game's peer is started.
signal entered
## Someone joined, left, changed their data or name, or connected to the game.
signal members_changed
## A lobby chat message.
signal chat_received(sender: String, text: String)
## Something happened in the lobby that is not chat, for the chat log.
signal notice(text: String)
## We are out of the lobby; `reason` says why when we did not choose to leave.
signal left(reason: String)

## Every lobby of this demo carries this key, and the lobby list asks for it: on Steam, app
## 480 (Spacewar) is shared by every developer's tests, and their lobbies are not ours.
const DEMO_KEY := "steam_multiplayer_peer_demo"
## Bumped when the game's messages change, so that old builds do not list new lobbies.
const DEMO_VERSION := "1"
const MEMBER_LIMIT := 4

var lobby_id := 0
var _lobby_name := ""
var _peer: SteamMultiplayerPeer


func _ready() -> void:
	Steam.lobby_created.connect(_on_lobby_created)
	Steam.lobby_joined.connect(_on_lobby_joined)
	Steam.lobby_match_list.connect(_on_lobby_match_list)
	Steam.lobby_chat_update.connect(_on_lobby_chat_update)
	Steam.lobby_data_update.connect(_on_lobby_data_update)
	Steam.lobby_message.connect(_on_lobby_message)
	Steam.persona_state_change.connect(_on_persona_state_change)
	# Steam's overlay: "Join game" on a friend, or an accepted invitation.
	Steam.join_requested.connect(_on_join_requested)
	multiplayer.peer_connected.connect(_on_peer_changed)
	multiplayer.peer_disconnected.connect(_on_peer_changed)
	# Deferred: these come from inside the peer's poll, and leaving frees the peer.
	multiplayer.server_disconnected.connect(leave.bind("The host left."), CONNECT_DEFERRED)
	multiplayer.connection_failed.connect(leave.bind("Could not connect to the lobby's host."), CONNECT_DEFERRED)


func _notification(what: int) -> void:
	# Closing the window: the game's peer closes first, so the others see us leave at once,
	# instead of our replicated nodes being taken down one by one as the game quits.
	if what == NOTIFICATION_WM_CLOSE_REQUEST:
		leave()


## Why Steam is not usable, or "" when it is. The project initializes Steam on startup.
func steam_problem() -> String:
	var result: Dictionary = Steam.get_steam_init_result()
	if result.get("status", -1) == Steam.STEAM_API_INIT_RESULT_OK:
		return ""
	return result.get("verbal", "Steam was not initialized.")


func create(shown_name: String) -> void:
	_lobby_name = shown_name
	Steam.createLobby(Steam.LOBBY_TYPE_PUBLIC, MEMBER_LIMIT)


func refresh_list() -> void:
	Steam.addRequestLobbyListStringFilter(DEMO_KEY, DEMO_VERSION, Steam.LOBBY_COMPARISON_EQUAL)
	# Players of a demo may be anywhere; Steam's default looks nearby only.
	Steam.addRequestLobbyListDistanceFilter(Steam.LOBBY_DISTANCE_FILTER_WORLDWIDE)
	Steam.requestLobbyList()


func join(lobby: int) -> void:
	if lobby_id != 0:
		leave()
	Steam.joinLobby(lobby)


func leave(reason := "") -> void:
	if lobby_id == 0:
		return
	Steam.leaveLobby(lobby_id)
	lobby_id = 0
	_peer.close()
	_peer = null
	multiplayer.multiplayer_peer = OfflineMultiplayerPeer.new()
	left.emit(reason)


func is_owner() -> bool:
	return lobby_id != 0 and Steam.getLobbyOwner(lobby_id) == Steam.getSteamID()


func lobby_name() -> String:
	return Steam.getLobbyData(lobby_id, "name")


## The members, the owner first: `{"steam_id", "name", "owner", "ready", "connected"}`;
## `connected` when the game's peer reaches them (always true for ourselves).
func members() -> Array[Dictionary]:
	var owner_id := Steam.getLobbyOwner(lobby_id)
	var found: Array[Dictionary] = []
	for index in Steam.getNumLobbyMembers(lobby_id):
		var steam_id := Steam.getLobbyMemberByIndex(lobby_id, index)
		var member := {
			"steam_id": steam_id,
			"name": name_of(steam_id),
			"owner": steam_id == owner_id,
			"ready": Steam.getLobbyMemberData(lobby_id, steam_id, "ready") == "yes",
			"connected": _peer != null and _peer.get_peer_id_for_steam_id(steam_id) != 0,
		}
		if member.owner:
			found.push_front(member)
		else:
			found.append(member)
	return found


## The owner can start once every member is ready and connected to the game.
func can_start() -> bool:
	if not is_owner():
		return false
	return members().all(func(member: Dictionary) -> bool: return member.ready and member.connected)


func set_ready(is_ready: bool) -> void:
	Steam.setLobbyMemberData(lobby_id, "ready", "yes" if is_ready else "no")


func send_chat(text: String) -> void:
	Steam.sendLobbyChatMsg(lobby_id, text)


## Once the game starts, the lobby stops taking members and leaves the lobby list.
func close_to_new_members() -> void:
	Steam.setLobbyJoinable(lobby_id, false)


func name_of(steam_id: int) -> String:
	if steam_id == Steam.getSteamID():
		return Steam.getPersonaName()
	return Steam.getFriendPersonaName(steam_id)


func name_of_peer(peer_id: int) -> String:
	var steam_id := _peer.get_steam_id_for_peer_id(peer_id) if _peer != null else 0
	return name_of(steam_id) if steam_id != 0 else "peer %d" % peer_id


func _on_lobby_created(result: int, created: int) -> void:
	if result != Steam.RESULT_OK:
		left.emit("Steam could not create the lobby (result %d)." % result)
		return
	Steam.setLobbyData(created, "name", _lobby_name)
	Steam.setLobbyData(created, DEMO_KEY, DEMO_VERSION)
	# On Steam the creator also gets lobby_joined, in either order: whichever comes first enters.
	if lobby_id != created:
		_enter(created)


func _on_lobby_joined(lobby: int, _permissions: int, _locked: bool, response: int) -> void:
	if response != Steam.CHAT_ROOM_ENTER_RESPONSE_SUCCESS:
		left.emit("Could not join the lobby (Steam's response %d)." % response)
		return
	if lobby_id != lobby:
		_enter(lobby)


## Starts the lobby's game peer: as its host if we own the lobby, else as a member.
func _enter(lobby: int) -> void:
	lobby_id = lobby
	_peer = SteamMultiplayerPeer.new()
	var error := _peer.host_with_lobby(lobby) if is_owner() else _peer.connect_to_lobby(lobby)
	if error != OK:
		_peer = null
		Steam.leaveLobby(lobby)
		lobby_id = 0
		left.emit("Could not start the game's connection: %s." % error_string(error))
		return
	multiplayer.multiplayer_peer = _peer
	Steam.setLobbyMemberData(lobby, "ready", "no")
	entered.emit()


func _on_lobby_match_list(lobbies: Array) -> void:
	var found: Array[Dictionary] = []
	for lobby: int in lobbies:
		found.append({
			"id": lobby,
			"name": Steam.getLobbyData(lobby, "name"),
			"members": Steam.getNumLobbyMembers(lobby),
			"limit": Steam.getLobbyMemberLimit(lobby),
		})
	list_received.emit(found)


func _on_lobby_chat_update(lobby: int, changed_id: int, _making_change_id: int, chat_state: int) -> void:
	if lobby != lobby_id:
		return
	var who := name_of(changed_id)
	match chat_state:
		Steam.CHAT_MEMBER_STATE_CHANGE_ENTERED:
			notice.emit("%s joined." % who)
		Steam.CHAT_MEMBER_STATE_CHANGE_LEFT:
			notice.emit("%s left." % who)
		Steam.CHAT_MEMBER_STATE_CHANGE_DISCONNECTED:
			notice.emit("%s lost their connection." % who)
		_:
			notice.emit("%s was removed." % who)
	members_changed.emit()


func _on_lobby_data_update(_success: int, lobby: int, _member_id: int) -> void:
	if lobby == lobby_id:
		members_changed.emit()


func _on_lobby_message(lobby: int, user: int, message: String, _chat_type: int) -> void:
	if lobby == lobby_id:
		chat_received.emit(name_of(user), message)


func _on_persona_state_change(_steam_id: int, _flags: int) -> void:
	if lobby_id != 0:
		members_changed.emit()


func _on_join_requested(lobby: int, _friend: int) -> void:
	join(lobby)


func _on_peer_changed(_peer_id: int) -> void:
	members_changed.emit()
