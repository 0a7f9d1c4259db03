extends "res://e2e/scenario.gd"
## Every wrong call refused at once: each row calls something in a state or with arguments
## where it cannot succeed, and must return the documented value at once and push exactly one
## error saying what was wrong (a Logger counts them). Afterwards the same peer must still
## host. The README's table "What a wrong call returns" lists the same rows.

const NOT_A_USER := "is not a user's Steam id"
const NOT_A_LOBBY := "is not a lobby's Steam id"
const LOBBY_LIKE_ID := 109775244925020489
const CLAN_ID := 103582791429521412


## Counts the errors pushed while a row runs.
class ErrorCounter extends Logger:
	var errors: Array[String] = []
	var lock := Mutex.new()

	func _log_error(_function: String, _file: String, _line: int, code: String, rationale: String, _editor_notify: bool, _error_type: int, _script_backtraces: Array[ScriptBacktrace]) -> void:
		lock.lock()
		errors.append(rationale if not rationale.is_empty() else code)
		lock.unlock()

	func take() -> Array[String]:
		lock.lock()
		var taken := errors.duplicate()
		errors.clear()
		lock.unlock()
		return taken


var counter := ErrorCounter.new()
var peer: SteamMultiplayerPeer
var me := 0


func run() -> void:
	OS.add_logger(counter)
	var data := PackedByteArray([1, 2, 3])
	# Before Steam is initialized.
	expect_row("Steam.sendP2PPacket before steamInitEx", func(): return Steam.sendP2PPacket(arg_int("other"), data, Steam.P2P_SEND_RELIABLE), false, "not initialized")
	expect_row("Steam.getLobbyOwner before steamInitEx", func(): return Steam.getLobbyOwner(LOBBY_LIKE_ID), 0, "not initialized")
	peer = SteamMultiplayerPeer.new()
	expect_row("host_with_lobby before steamInitEx", func(): return peer.host_with_lobby(LOBBY_LIKE_ID), ERR_CANT_CREATE, "not initialized")
	check(Steam.steamInitEx().status == Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx")
	me = Steam.getSteamID()
	# An inactive peer.
	expect_row("create_client(0)", func(): return peer.create_client(0), ERR_INVALID_PARAMETER, NOT_A_USER)
	expect_row("create_client(a lobby's id)", func(): return peer.create_client(LOBBY_LIKE_ID), ERR_INVALID_PARAMETER, NOT_A_USER)
	expect_row("create_client(our own id)", func(): return peer.create_client(me), ERR_INVALID_PARAMETER, "our own Steam id")
	expect_row("add_peer before create_host", func(): return peer.add_peer(arg_int("other")), ERR_UNCONFIGURED, "not active")
	expect_row("put_packet before create_host", func(): return peer.put_packet(data), ERR_UNCONFIGURED, "not active")
	expect_row("get_packet with nothing to read", func(): return peer.get_packet().size(), 0, "no packet is available")
	expect_row("host_with_lobby(0)", func(): return peer.host_with_lobby(0), ERR_CANT_CREATE, "lobby")
	expect_row("connect_to_lobby(0)", func(): return peer.connect_to_lobby(0), ERR_CANT_CREATE, "lobby")
	expect_row("connect_lobby(0)", func(): return peer.connect_lobby(0), ERR_INVALID_PARAMETER, NOT_A_LOBBY)
	expect_row("connect_lobby(a user's id)", func(): return peer.connect_lobby(me), ERR_INVALID_PARAMETER, NOT_A_LOBBY)
	# A hosting peer.
	check(peer.create_host(0) == OK, "create_host")
	expect_row("create_host twice", func(): return peer.create_host(0), ERR_ALREADY_IN_USE, "already")
	expect_row("create_client while hosting", func(): return peer.create_client(arg_int("other")), ERR_ALREADY_IN_USE, "already")
	expect_row("add_peer(0)", func(): return peer.add_peer(0), ERR_INVALID_PARAMETER, NOT_A_USER)
	expect_row("add_peer(a clan's id)", func(): return peer.add_peer(CLAN_ID), ERR_INVALID_PARAMETER, NOT_A_USER)
	expect_row("add_peer(our own id)", func(): return peer.add_peer(me), ERR_INVALID_PARAMETER, "our own Steam id")
	peer.set_target_peer(12345)
	expect_row("put_packet to an unknown peer", func(): return peer.put_packet(data), ERR_INVALID_PARAMETER, "invalid target peer")
	peer.set_target_peer(0)
	peer.transfer_channel = 999
	expect_row("put_packet on channel 999", func(): return peer.put_packet(data), ERR_INVALID_PARAMETER, "invalid transfer channel")
	peer.transfer_channel = 0
	var huge := PackedByteArray()
	huge.resize(600 * 1024)
	expect_row("put_packet of 600 KiB", func(): return peer.put_packet(huge), ERR_INVALID_PARAMETER, "exceeds the maximum")
	expect_row("disconnect_peer of an unknown peer", func(): peer.disconnect_peer(12345); return null, null, "no connected peer has id 12345")
	# Queries answer with an empty value and do not complain: games ask them to find out.
	expect_row("get_peer of an unknown peer", func(): return peer.get_peer(12345), null, "")
	expect_row("get_peer_id_for_steam_id(0)", func(): return peer.get_peer_id_for_steam_id(0), 0, "")
	expect_row("get_steam64_from_peer_id of an unknown peer", func(): return peer.get_steam64_from_peer_id(12345), -1, "")
	# The Steam singleton's calls that name a user, given ids that are no user's.
	expect_row("Steam.sendP2PPacket to 0", func(): return Steam.sendP2PPacket(0, data, Steam.P2P_SEND_RELIABLE), false, NOT_A_USER)
	expect_row("Steam.sendP2PPacket to a lobby", func(): return Steam.sendP2PPacket(LOBBY_LIKE_ID, data, Steam.P2P_SEND_RELIABLE), false, NOT_A_USER)
	expect_row("Steam.sendP2PPacket with send type 99", func(): return Steam.sendP2PPacket(arg_int("other"), data, 99), false, "not a P2P_SEND_* constant")
	expect_row("Steam.acceptP2PSessionWithUser(0)", func(): return Steam.acceptP2PSessionWithUser(0), false, NOT_A_USER)
	expect_row("Steam.closeP2PSessionWithUser(a clan)", func(): return Steam.closeP2PSessionWithUser(CLAN_ID), false, NOT_A_USER)
	expect_row("Steam.closeP2PChannelWithUser(0, 0)", func(): return Steam.closeP2PChannelWithUser(0, 0), false, NOT_A_USER)
	expect_row("Steam.getP2PSessionState(0)", func(): return Steam.getP2PSessionState(0), {}, NOT_A_USER)
	expect_row("Steam.sendMessageToUser(0)", func(): return Steam.sendMessageToUser(0, data, Steam.NETWORKING_SEND_RELIABLE, 0), Steam.RESULT_INVALID_PARAM, NOT_A_USER)
	expect_row("Steam.acceptSessionWithUser(0)", func(): return Steam.acceptSessionWithUser(0), false, NOT_A_USER)
	expect_row("Steam.closeSessionWithUser(a lobby)", func(): return Steam.closeSessionWithUser(LOBBY_LIKE_ID), false, NOT_A_USER)
	expect_row("Steam.closeChannelWithUser(0, 0)", func(): return Steam.closeChannelWithUser(0, 0), false, NOT_A_USER)
	# The Steam singleton's lobby calls, given ids that are no lobby's, and user ids that are no user's.
	expect_row("Steam.joinLobby(0)", func(): Steam.joinLobby(0); return null, null, NOT_A_LOBBY)
	expect_row("Steam.leaveLobby(a user's id)", func(): Steam.leaveLobby(me); return null, null, NOT_A_LOBBY)
	expect_row("Steam.getLobbyOwner(0)", func(): return Steam.getLobbyOwner(0), 0, NOT_A_LOBBY)
	expect_row("Steam.getNumLobbyMembers(a clan)", func(): return Steam.getNumLobbyMembers(CLAN_ID), 0, NOT_A_LOBBY)
	expect_row("Steam.getLobbyMemberByIndex(0, 0)", func(): return Steam.getLobbyMemberByIndex(0, 0), 0, NOT_A_LOBBY)
	expect_row("Steam.setLobbyData(0)", func(): return Steam.setLobbyData(0, "key", "value"), false, NOT_A_LOBBY)
	expect_row("Steam.getLobbyData(0)", func(): return Steam.getLobbyData(0, "key"), "", NOT_A_LOBBY)
	expect_row("Steam.deleteLobbyData(0)", func(): return Steam.deleteLobbyData(0, "key"), false, NOT_A_LOBBY)
	expect_row("Steam.getAllLobbyData(0)", func(): return Steam.getAllLobbyData(0), {}, NOT_A_LOBBY)
	expect_row("Steam.setLobbyMemberData(0)", func(): Steam.setLobbyMemberData(0, "key", "value"); return null, null, NOT_A_LOBBY)
	expect_row("Steam.getLobbyMemberData(0)", func(): return Steam.getLobbyMemberData(0, me, "key"), "", NOT_A_LOBBY)
	expect_row("Steam.setLobbyJoinable(0)", func(): return Steam.setLobbyJoinable(0, true), false, NOT_A_LOBBY)
	expect_row("Steam.setLobbyType(0)", func(): return Steam.setLobbyType(0, Steam.LOBBY_TYPE_PUBLIC), false, NOT_A_LOBBY)
	expect_row("Steam.setLobbyMemberLimit(a user's id)", func(): return Steam.setLobbyMemberLimit(me, 4), false, NOT_A_LOBBY)
	expect_row("Steam.getLobbyMemberLimit(0)", func(): return Steam.getLobbyMemberLimit(0), 0, NOT_A_LOBBY)
	expect_row("Steam.sendLobbyChatMsg(0)", func(): return Steam.sendLobbyChatMsg(0, "hello"), false, NOT_A_LOBBY)
	expect_row("Steam.activateGameOverlayInviteDialog(0)", func(): Steam.activateGameOverlayInviteDialog(0); return null, null, NOT_A_LOBBY)
	expect_row("Steam.setLobbyOwner(lobby, 0)", func(): return Steam.setLobbyOwner(LOBBY_LIKE_ID, 0), false, NOT_A_USER)
	expect_row("Steam.getLobbyMemberData(lobby, a lobby)", func(): return Steam.getLobbyMemberData(LOBBY_LIKE_ID, LOBBY_LIKE_ID, "key"), "", NOT_A_USER)
	expect_row("Steam.getFriendPersonaName(0)", func(): return Steam.getFriendPersonaName(0), "", NOT_A_USER)
	# A lobby's id that names no lobby we know: queries answer with an empty value, silently.
	expect_row("Steam.getLobbyOwner of an unknown lobby", func(): return Steam.getLobbyOwner(LOBBY_LIKE_ID), 0, "")
	expect_row("Steam.getLobbyData of an unknown lobby", func(): return Steam.getLobbyData(LOBBY_LIKE_ID, "key"), "", "")
	# Calls that cannot fail stay silent: closing twice.
	peer.close()
	expect_row("close() a second time", func(): peer.close(); return null, null, "")
	# Nothing above broke the peer.
	check(peer.create_host(0) == OK, "the peer hosts again after every wrong call")
	peer.close()
	OS.remove_logger(counter)


## One row: `call` must return `expected` and push exactly one error containing `error`
## (none when `error` is empty).
func expect_row(what: String, call: Callable, expected: Variant, error: String) -> void:
	if not error.is_empty():
		expect_error(error)
	counter.take()
	var got: Variant = call.call()
	var pushed := counter.take()
	var wanted := 0 if error.is_empty() else 1
	var errors_ok := pushed.size() == wanted and (wanted == 0 or error in pushed[0])
	# A freed or absent object is null too, though typed as an object.
	var same: bool = (expected == null and got == null) or (typeof(got) == typeof(expected) and got == expected)
	check(same and errors_ok, "%s: returns %s and pushes %d error(s) (got %s, %s)" % [what, expected, wanted, got, pushed])
