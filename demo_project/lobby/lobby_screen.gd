class_name LobbyScreen
extends Control
## The lobby screen: the lobby browser while we are in no lobby, the lobby room while we are,
## and a line saying what happened last (why we are back here, for one).

## The lobby's owner pressed Start.
signal start_requested

@onready var browser: LobbyBrowser = %Browser
@onready var room: LobbyRoom = %Room
@onready var status_label: Label = %StatusLabel


func _ready() -> void:
	room.start_requested.connect(start_requested.emit)
	Lobby.entered.connect(_on_entered)
	Lobby.left.connect(_on_left)


## Shows the lobby browser, with a fresh lobby list.
func show_browser() -> void:
	room.hide()
	browser.show()
	browser.open()


func _on_entered() -> void:
	status_label.text = "Tick Ready when you are; the lobby's owner starts the game."
	browser.hide()
	room.show()


func _on_left(reason: String) -> void:
	status_label.text = reason
	show_browser()
