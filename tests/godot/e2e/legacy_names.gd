extends "res://e2e/scenario.gd"
## Reflection: every name taken from the earlier SteamMultiplayerPeers (GodotSteam's lobby-based
## one, expressobits') and from GodotSteam's NetworkingMessages functions is registered with
## their parameter names, defaults, signal arguments and constant values, as Godot's ClassDB
## reports them.

const PEER := "SteamMultiplayerPeer"

## name -> [parameter names, default values of the last ones]
const PEER_METHODS := {
	"create_lobby": [["lobby_type", "max_players"], [32]],
	"connect_lobby": [["lobby_id"], []],
	"get_lobby_id": [[], []],
	"get_state": [[], []],
	"get_peer_map": [[], []],
	"collect_debug_data": [[], []],
	"get_as_relay": [[], []],
	"set_as_relay": [["enabled"], []],
	"get_steam64_from_peer_id": [["peer_id"], []],
	"get_peer_id_from_steam64": [["steam_id"], []],
	"set_config": [["steam_networking_config", "value"], []],
	"clear_config": [["steam_networking_config"], []],
	"clear_all_configs": [[], []],
	"get_options": [[], []],
	"set_options": [["options"], []],
	"get_listen_socket": [[], []],
	"set_listen_socket": [["listen_socket"], []],
	"create_host": [["virtual_port"], [0]],
	"create_client": [["steam_id", "virtual_port"], [0]],
}
const PEER_PROPERTIES := {"as_relay": TYPE_BOOL, "options": TYPE_DICTIONARY, "listen_socket": TYPE_INT, "no_nagle": TYPE_BOOL, "no_delay": TYPE_BOOL}
const PEER_SIGNALS := {
	"lobby_created": ["connect", "lobby_id"],
	"lobby_joined": ["lobby", "permissions", "locked", "response"],
	"lobby_chat_update": ["lobby_id", "changed_id", "making_change_id", "chat_state"],
	"lobby_message": ["lobby_id", "user", "message", "chat_type"],
	"lobby_data_update": ["success", "lobby_id", "member_id"],
	"lobby_kicked": ["lobby_id", "admin_id", "due_to_disconnect"],
	"lobby_game_created": ["lobby_id", "server_id", "server_ip", "port"],
	"lobby_invite": ["inviter", "lobby", "game"],
	"lobby_match_list": ["lobbies"],
	"debug_data": ["data"],
	"network_connection_status_changed": ["connect_handle", "connection", "old_state"],
}
const PEER_CONSTANTS := {
	"LOBBY_TYPE_PRIVATE": 0, "LOBBY_TYPE_FRIENDS_ONLY": 1, "LOBBY_TYPE_PUBLIC": 2,
	"LOBBY_TYPE_INVISIBLE": 3, "LOBBY_TYPE_PRIVATE_UNIQUE": 4,
	"CHAT_CHANGE_ENTERED": 1, "CHAT_CHANGE_LEFT": 2, "CHAT_CHANGE_DISCONNECTED": 4,
	"CHAT_CHANGE_KICKED": 8, "CHAT_CHANGE_BANNED": 16,
	"LOBBY_STATE_NOT_CONNECTED": 0, "LOBBY_STATE_HOST_PENDING": 1, "LOBBY_STATE_HOSTING": 2,
	"LOBBY_STATE_CLIENT_PENDING": 3, "LOBBY_STATE_CLIENT": 4,
	# Steam's ESteamNetworkingConfigValue, under expressobits' names.
	"NETWORKING_CONFIG_INVALID": 0, "NETWORKING_CONFIG_FAKE_PACKET_LOSS_SEND": 2,
	"NETWORKING_CONFIG_FAKE_PACKET_LOSS_RECV": 3, "NETWORKING_CONFIG_FAKE_PACKET_LAG_SEND": 4,
	"NETWORKING_CONFIG_FAKE_PACKET_LAG_RECV": 5, "NETWORKING_CONFIG_FAKE_PACKET_REORDER_SEND": 6,
	"NETWORKING_CONFIG_FAKE_PACKET_REORDER_RECV": 7, "NETWORKING_CONFIG_FAKE_PACKET_REORDER_TIME": 8,
	"NETWORKING_CONFIG_FAKE_PACKET_DUP_SEND": 26, "NETWORKING_CONFIG_FAKE_PACKET_DUP_REVC": 27,
	"NETWORKING_CONFIG_FAKE_PACKET_DUP_TIME_MAX": 28, "NETWORKING_CONFIG_PACKET_TRACE_MAX_BYTES": 41,
	"NETWORKING_CONFIG_FAKE_RATE_LIMIT_SEND_RATE": 42, "NETWORKING_CONFIG_FAKE_RATE_LIMIT_SEND_BURST": 43,
	"NETWORKING_CONFIG_FAKE_RATE_LIMIT_RECV_RATE": 44, "NETWORKING_CONFIG_FAKE_RATE_LIMIT_RECV_BURST": 45,
	"NETWORKING_CONFIG_OUT_OF_ORDER_CORRECTION_WINDOW_MICROSECONDS": 51,
	"NETWORKING_CONFIG_CONNECTION_USER_DATA": 40, "NETWORKING_CONFIG_TIMEOUT_INITIAL": 24,
	"NETWORKING_CONFIG_TIMEOUT_CONNECTED": 25, "NETWORKING_CONFIG_SEND_BUFFER_SIZE": 9,
	"NETWORKING_CONFIG_RECV_BUFFER_SIZE": 47, "NETWORKING_CONFIG_RECV_BUFFER_MESSAGES": 48,
	"NETWORKING_CONFIG_RECV_MAX_MESSAGE_SIZE": 49, "NETWORKING_CONFIG_RECV_MAX_SEGMENTS_PER_PACKET": 50,
	"NETWORKING_CONFIG_SEND_RATE_MIN": 10, "NETWORKING_CONFIG_SEND_RATE_MAX": 11,
	"NETWORKING_CONFIG_NAGLE_TIME": 12, "NETWORKING_CONFIG_IP_ALLOW_WITHOUT_AUTH": 23,
	"NETWORKING_CONFIG_IP_LOCAL_HOST_ALLOW_WITHOUT_AUTH": 52, "NETWORKING_CONFIG_MTU_PACKET_SIZE": 32,
	"NETWORKING_CONFIG_MTU_DATA_SIZE": 33, "NETWORKING_CONFIG_UNENCRYPTED": 34,
	"NETWORKING_CONFIG_SYMMETRIC_CONNECT": 37, "NETWORKING_CONFIG_LOCAL_VIRTUAL_PORT": 38,
	"NETWORKING_CONFIG_DUAL_WIFI_ENABLE": 39, "NETWORKING_CONFIG_ENABLE_DIAGNOSTICS_UI": 46,
	"NETWORKING_CONFIG_SDR_CLIENT_CONSEC_PING_TIMEOUT_FAIL_INITIAL": 19,
	"NETWORKING_CONFIG_SDR_CLIENT_CONSEC_PING_TIMEOUT_FAIL": 20,
	"NETWORKING_CONFIG_SDR_CLIENT_MIN_PINGS_BEFORE_PING_ACCURATE": 21,
	"NETWORKING_CONFIG_SDR_CLIENT_SINGLE_SOCKET": 22, "NETWORKING_CONFIG_SDR_CLIENT_FORCE_RELAY_CLUSTER": 29,
	"NETWORKING_CONFIG_SDR_CLIENT_DEV_TICKET": 30, "NETWORKING_CONFIG_SDR_CLIENT_FORCE_PROXY_ADDR": 31,
	"NETWORKING_CONFIG_SDR_CLIENT_FAKE_CLUSTER_PING": 36,
	"NETWORKING_CONFIG_SDR_CLIENT_LIMIT_PING_PROBES_TO_NEAREST_N": 60,
	"NETWORKING_CONFIG_LOG_LEVEL_ACK_RTT": 13, "NETWORKING_CONFIG_LOG_LEVEL_PACKET_DECODE": 14,
	"NETWORKING_CONFIG_LOG_LEVEL_MESSAGE": 15, "NETWORKING_CONFIG_LOG_LEVEL_PACKET_GAPS": 16,
	"NETWORKING_CONFIG_LOG_LEVEL_P2P_RENDEZVOUS": 17, "NETWORKING_CONFIG_LOG_LEVEL_SRD_RELAY_PINGS": 18,
	"NETWORKING_CONFIG_CALLBACK_CONNECTION_STATUS_CHANGED": 201,
	"NETWORKING_CONFIG_CALLBACK_AUTH_STATUS_CHANGED": 202,
	"NETWORKING_CONFIG_CALLBACK_RELAY_NETWORK_STATUS_CHANGED": 203,
	"NETWORKING_CONFIG_CALLBACK_MESSAGE_SESSION_REQUEST": 204,
	"NETWORKING_CONFIG_CALLBACK_MESSAGES_SESSION_FAILED": 205,
	"NETWORKING_CONFIG_CALLBACK_CREATE_CONNECTION_SIGNALING": 206,
	"NETWORKING_CONFIG_CALLBACK_FAKE_IP_RESULT": 207, "NETWORKING_CONFIG_P2P_STUN_SERVER_LIST": 103,
	"NETWORKING_CONFIG_P2P_TRANSPORT_ICE_ENABLE": 104, "NETWORKING_CONFIG_P2P_TRANSPORT_ICE_PENALTY": 105,
	"NETWORKING_CONFIG_P2P_TRANSPORT_SDR_PENALTY": 106, "NETWORKING_CONFIG_P2P_TURN_SERVER_LIST": 107,
	"NETWORKING_CONFIG_P2P_TURN_USER_LIST": 108, "NETWORKING_CONFIG_P2P_TURN_PASS_LIST": 109,
	"NETWORKING_CONFIG_P2P_TRANSPORT_ICE_IMPLEMENTATION": 110, "NETWORKING_CONFIG_ECN": 999,
	"NETWORKING_CONFIG_VALUE_FORCE32BIT": 2147483647,
}
const STEAM_METHODS := {
	"sendMessageToUser": [["remote_steam_id", "data", "flags", "channel"], []],
	"receiveMessagesOnChannel": [["channel", "max_messages"], []],
	"acceptSessionWithUser": [["remote_steam_id"], []],
	"closeSessionWithUser": [["remote_steam_id"], []],
	"closeChannelWithUser": [["remote_steam_id", "channel"], []],
	"getSessionConnectionInfo": [["remote_steam_id", "get_connection", "get_status"], []],
}
const STEAM_SIGNALS := {
	"network_messages_session_request": ["remote_steam_id"],
	"network_messages_session_failed": ["reason", "remote_steam_id", "connection_state", "debug_message"],
}
const STEAM_CONSTANTS := {
	"NETWORKING_SEND_UNRELIABLE": 0, "NETWORKING_SEND_NO_NAGLE": 1,
	"NETWORKING_SEND_URELIABLE_NO_NAGLE": 1, "NETWORKING_SEND_NO_DELAY": 4,
	"NETWORKING_SEND_UNRELIABLE_NO_DELAY": 5, "NETWORKING_SEND_RELIABLE": 8,
	"NETWORKING_SEND_RELIABLE_NO_NAGLE": 9, "NETWORKING_SEND_USE_CURRENT_THREAD": 16,
	"NETWORKING_SEND_AUTORESTART_BROKEN_SESSION": 32,
}


func run() -> void:
	check_methods(PEER, PEER_METHODS)
	check_signals(PEER, PEER_SIGNALS)
	check_constants(PEER, PEER_CONSTANTS)
	check_methods("Steam", STEAM_METHODS)
	check_signals("Steam", STEAM_SIGNALS)
	check_constants("Steam", STEAM_CONSTANTS)
	var properties := {}
	for property in ClassDB.class_get_property_list(PEER, true):
		properties[property.name] = property.type
	for name in PEER_PROPERTIES:
		check(properties.get(name) == PEER_PROPERTIES[name], "%s.%s is a property of type %d" % [PEER, name, PEER_PROPERTIES[name]])
	# The properties behave, not only exist.
	var peer := SteamMultiplayerPeer.new()
	peer.as_relay = true
	check(peer.server_relay and peer.is_server_relay_supported(), "as_relay is server_relay")
	expect_error("listen_socket is the peer's own")
	peer.listen_socket = 7
	check(peer.listen_socket == 0, "listen_socket cannot be set")


func check_methods(class_name_: String, expected: Dictionary) -> void:
	var found := {}
	for method in ClassDB.class_get_method_list(class_name_, true):
		found[method.name] = method
	for name in expected:
		if not check(found.has(name), "%s.%s exists" % [class_name_, name]):
			continue
		var method: Dictionary = found[name]
		var names: Array = method.args.map(func(arg): return arg.name)
		check(names == expected[name][0], "%s.%s%s (found %s)" % [class_name_, name, expected[name][0], names])
		check(method.default_args == expected[name][1], "%s.%s defaults %s (found %s)" % [class_name_, name, expected[name][1], method.default_args])


func check_signals(class_name_: String, expected: Dictionary) -> void:
	for name in expected:
		if not check(ClassDB.class_has_signal(class_name_, name), "%s signal %s exists" % [class_name_, name]):
			continue
		var names: Array = ClassDB.class_get_signal(class_name_, name).args.map(func(arg): return arg.name)
		check(names == expected[name], "%s signal %s%s (found %s)" % [class_name_, name, expected[name], names])


func check_constants(class_name_: String, expected: Dictionary) -> void:
	for name in expected:
		var has := ClassDB.class_has_integer_constant(class_name_, name)
		check(has and ClassDB.class_get_integer_constant(class_name_, name) == expected[name], "%s.%s == %d" % [class_name_, name, expected[name]])
