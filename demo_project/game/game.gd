class_name Game
extends Node2D
## The game: the players move on the field and run for the coin. The host spawns a player
## for every peer (PlayerSpawner replicates them), owns the coin (CoinSync replicates where it
## is) and the scores, and removes the players who leave; the game goes on without them.

const PLAYER_SCENE := preload("res://game/player.tscn")
const FIELD := Rect2(16, 44, 608, 300)
const PLAYER_COLORS: Array[Color] = [Color("e63946"), Color("2a9d8f"), Color("f4a261"), Color("8e7dbe")]
## How close a player must come to take the coin.
const COIN_REACH := 24.0
## How far from every player a new coin appears, when a few random tries find such a spot.
const COIN_DISTANCE := 100.0
const COIN_PLACING_ATTEMPTS := 20
const MESSAGES_SHOWN := 4
## The most of the field the network overlay covers (its headings and a row per other
## player, at the top left); it grows with its rows, so its size now says too little.
const OVERLAY_AREA := Rect2(8, 48, 310, 70)

## Where the coin is: the host moves it, CoinSync replicates it.
var coin_position := FIELD.get_center():
	set(value):
		coin_position = value
		if is_node_ready():
			coin.position = value

var _messages := PackedStringArray()

@onready var players: Node2D = $Players
@onready var player_spawner: MultiplayerSpawner = $PlayerSpawner
@onready var coin: Node2D = $Coin
@onready var message_log: Label = %MessageLog
@onready var leave_button: Button = %LeaveButton
@onready var network_overlay: NetworkOverlay = %NetworkOverlay


func _ready() -> void:
	player_spawner.spawn_function = _make_player
	coin.position = coin_position
	leave_button.pressed.connect(Lobby.leave)
	multiplayer.peer_disconnected.connect(_on_peer_disconnected)
	show_message("Run for the coin!")
	if multiplayer.is_server():
		_add_player(multiplayer.get_unique_id())
		for peer_id in multiplayer.get_peers():
			_add_player(peer_id)
		_place_coin()


## The host checks who reaches the coin, as it sees them.
func _physics_process(_delta: float) -> void:
	if not multiplayer.is_server():
		return
	for player: Player in players.get_children():
		if player.position.distance_to(coin_position) < COIN_REACH:
			player.score += 1
			_coin_taken.rpc(player.display_name, player.score)
			_place_coin()
			return


func _unhandled_input(event: InputEvent) -> void:
	if event.is_action_pressed("wave"):
		var me := local_player()
		if me != null:
			me.wave()
	elif event.is_action_pressed("toggle_network_overlay"):
		network_overlay.visible = not network_overlay.visible
	elif event.is_action_pressed("leave_game"):
		Lobby.leave()
	else:
		return
	get_viewport().set_input_as_handled()


## Our own player, once spawned.
func local_player() -> Player:
	return players.get_node_or_null(str(multiplayer.get_unique_id())) as Player


## The last few things that happened, as shown at the bottom of the screen.
func messages() -> PackedStringArray:
	return _messages


func show_message(text: String) -> void:
	_messages.append(text)
	message_log.text = "\n".join(_messages.slice(-MESSAGES_SHOWN))


func _add_player(peer_id: int) -> void:
	var index := players.get_child_count()
	player_spawner.spawn({
		"peer_id": peer_id,
		"name": Lobby.name_of_peer(peer_id),
		"color": PLAYER_COLORS[index % PLAYER_COLORS.size()],
		"position": FIELD.position + Vector2(FIELD.size.x * (index + 1) / (PLAYER_COLORS.size() + 1), FIELD.size.y * 0.75),
	})


## Runs on every peer, with what the host passed to `spawn`.
func _make_player(data: Dictionary) -> Player:
	var player: Player = PLAYER_SCENE.instantiate()
	player.name = str(data.peer_id)
	player.display_name = data.name
	player.color = data.color
	player.position = data.position
	player.field = FIELD
	# Its peer moves it; its ScoreSync stays the host's (not recursive), as the host keeps scores.
	player.set_multiplayer_authority(data.peer_id, false)
	player.waved.connect(show_message.bind("%s waves." % player.display_name))
	return player


## Somewhere on the field away from every player, so that someone has to run for it, and
## never under the network overlay, where the player who takes it could not be seen.
func _place_coin() -> void:
	var area := FIELD.grow(-COIN_REACH)
	var hidden := OVERLAY_AREA.grow(COIN_REACH * 2)
	var spot := area.get_center()
	for _attempt in COIN_PLACING_ATTEMPTS:
		var candidate := area.position + Vector2(randf() * area.size.x, randf() * area.size.y)
		if hidden.has_point(candidate):
			continue
		spot = candidate
		if players.get_children().all(func(player: Player) -> bool: return player.position.distance_to(spot) >= COIN_DISTANCE):
			break
	coin_position = spot


@rpc("authority", "call_local", "reliable")
func _coin_taken(who: String, score: int) -> void:
	show_message("%s took the coin (%d)." % [who, score])


func _on_peer_disconnected(peer_id: int) -> void:
	var player := players.get_node_or_null(str(peer_id)) as Player
	if player == null:
		return
	show_message("%s left the game." % player.display_name)
	# PlayerSpawner removes it on every other peer too.
	if multiplayer.is_server():
		player.queue_free()
