extends "res://e2e/scenario.gd"
## No Steam client and no local mode: initialization fails with Steam's own status and
## message, nothing crashes, and every other call returns a neutral value and one error.


func run() -> void:
	var init: Dictionary = Steam.steamInitEx(480)
	check(init.status != Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx fails without a Steam client (status %d)" % init.status)
	check(String(init.verbal) != "", "with Steam's explanation: %s" % init.verbal)
	check(not Steam.steamInit(), "steamInit is false")
	check(Steam.get_steam_init_result().get("status") == init.status, "get_steam_init_result keeps the outcome")
	check(not Steam.isSteamRunning(), "isSteamRunning is false")
	expect_error("Steam is not initialized")
	check(Steam.getSteamID() == 0, "getSteamID is 0")
	check(Steam.getPersonaName() == "", "getPersonaName is empty")
	Steam.createLobby(Steam.LOBBY_TYPE_PUBLIC, 4)
	Steam.requestLobbyList()
	check(Steam.getLobbyOwner(1) == 0 and Steam.getNumLobbyMembers(1) == 0, "lobby getters are neutral")
	check(Steam.readP2PPacket(16, 0).is_empty(), "readP2PPacket is empty")
	check(not Steam.sendP2PPacket(76561197960265729, PackedByteArray([1]), Steam.P2P_SEND_RELIABLE, 0), "sendP2PPacket is false")
	Steam.run_callbacks()
	var peer := SteamMultiplayerPeer.new()
	check(peer.create_host() == ERR_CANT_CREATE, "a peer cannot host without Steam")
	check(peer.host_with_lobby(1) == ERR_CANT_CREATE, "nor host a lobby")
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED, "and stays disconnected")
	var legacy := SteamMultiplayerPeer.new()
	legacy.transport = SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P
	expect_error("the legacy P2P transport runs on the Steam singleton's P2P sessions")
	check(legacy.create_client(76561197960265729) == ERR_CANT_CREATE, "nor connect over the legacy P2P API")
	expect_error("is not TRANSPORT_SOCKETS or TRANSPORT_LEGACY_P2P")
	legacy.transport = 7
	check(legacy.transport == SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P, "an unknown transport is refused")
