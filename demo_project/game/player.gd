class_name Player
extends Node2D
## A player on the field. Its own peer moves it and sends everyone its position; the host
## keeps its score, which ScoreSync replicates.

## It waved (on every peer: the wave is a reliable RPC).
signal waved

## Positions go unreliable and ordered, on a channel of their own: a lost position is made
## stale by the next one anyway, an older one must never undo a newer one, and a reliable
## message waiting on channel 0 (spawns, scores, waves) must not hold them up. A
## MultiplayerSynchronizer cannot do this: SceneMultiplayer always sends synchronizer
## updates on channel 0, unreliable but unordered, so positions go as an RPC.
const POSITION_CHANNEL := 1
const SPEED := 200.0

var display_name := ""
var color := Color.WHITE
## Where it may go.
var field := Rect2()
## The host's to change; ScoreSync replicates it to everyone.
var score := 0:
	set(value):
		score = value
		if is_node_ready():
			_show_name()

@onready var body: ColorRect = $Body
@onready var name_label: Label = $NameLabel
@onready var wave_label: Label = $WaveLabel
@onready var wave_timer: Timer = $WaveTimer


func _ready() -> void:
	body.color = color
	wave_timer.timeout.connect(wave_label.hide)
	_show_name()


func _physics_process(delta: float) -> void:
	if not is_multiplayer_authority():
		return
	var direction := Input.get_vector("move_left", "move_right", "move_up", "move_down")
	position = (position + direction * SPEED * delta).clamp(field.position, field.end)
	_moved.rpc(position)


## Waves to everyone; only its own peer may.
func wave() -> void:
	_wave.rpc()


@rpc("authority", "call_remote", "unreliable_ordered", POSITION_CHANNEL)
func _moved(new_position: Vector2) -> void:
	position = new_position


## A wave is an event every player must see once: reliable.
@rpc("authority", "call_local", "reliable")
func _wave() -> void:
	wave_label.show()
	wave_timer.start()
	waved.emit()


func _show_name() -> void:
	name_label.text = "%s  %d" % [display_name, score]
