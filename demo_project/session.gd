extends Node
## One side of the demo session. Chat goes as reliable RPCs; positions go unreliable_ordered
## on their own channel, as a game sends them.

const POSITION_CHANNEL := 1
const MOVES := 30

var role := "host"
var host_steam_id := 0
var peer := SteamMultiplayerPeer.new()
var names := {}
var moves_seen := 0
var last_position := Vector2.ZERO
var done := false
var walking := false


func _ready() -> void:
	# The project initializes Steam on startup, with embedded callbacks.
	var steam := Steam.get_steam_init_result()
	say("Steam: %s I am %s (%d)." % [steam.get("verbal", "not initialized"), Steam.getPersonaName(), Steam.getSteamID()])
	multiplayer.peer_connected.connect(_on_peer_connected)
	multiplayer.peer_disconnected.connect(_on_peer_disconnected)
	multiplayer.connected_to_server.connect(_on_connected_to_server)
	multiplayer.server_disconnected.connect(func(): say("the host left."); _finish())
	multiplayer.connection_failed.connect(func(): say("could not reach the host."); _finish(1))
	if role == "host":
		if peer.create_host() != OK:
			_finish(1)
			return
		multiplayer.multiplayer_peer = peer
		say("hosting; waiting for players.")
	else:
		say("joining the host %d..." % host_steam_id)
		if peer.create_client(host_steam_id) != OK:
			_finish(1)
			return
		multiplayer.multiplayer_peer = peer


func _on_peer_connected(id: int) -> void:
	if role == "host":
		say("a player connected as peer %d (Steam id %d)." % [id, peer.get_steam_id_for_peer_id(id)])


func _on_peer_disconnected(id: int) -> void:
	say("%s left." % names.get(id, "peer %d" % id))
	if role == "host":
		say("%d position updates arrived from %s, the last at %s." % [moves_seen, names.get(id, "them"), last_position])
		_finish()


func _on_connected_to_server() -> void:
	say("connected as peer %d." % multiplayer.get_unique_id())
	introduce.rpc_id(1, Steam.getPersonaName())
	chat.rpc_id(1, "Hello from %s!" % Steam.getPersonaName())


@rpc("any_peer", "call_remote", "reliable")
func introduce(persona: String) -> void:
	names[multiplayer.get_remote_sender_id()] = persona


@rpc("any_peer", "call_remote", "reliable")
func chat(text: String) -> void:
	var from := multiplayer.get_remote_sender_id()
	say("%s says: %s" % [names.get(from, "the host" if from == 1 else "peer %d" % from), text])
	if role == "host" and text.begins_with("Hello"):
		chat.rpc_id(from, "Welcome, %s!" % names.get(from, "friend"))
	elif role == "client" and not walking:
		walking = true
		_walk()


## The client walks a few steps, then says goodbye and leaves.
func _walk() -> void:
	for step in MOVES:
		moved.rpc_id(1, Vector2(step * 10, step * 5))
		await get_tree().process_frame
	chat.rpc_id(1, "Goodbye!")
	await get_tree().process_frame
	say("leaving.")
	multiplayer.multiplayer_peer.close()
	_finish()


@rpc("any_peer", "call_remote", "unreliable_ordered", POSITION_CHANNEL)
func moved(position: Vector2) -> void:
	moves_seen += 1
	last_position = position


func say(text: String) -> void:
	print("%s: %s" % [Steam.getPersonaName(), text])


func _finish(code := 0) -> void:
	if done:
		return
	done = true
	multiplayer.multiplayer_peer = null
	get_tree().quit(code)
