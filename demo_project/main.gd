class_name Main
extends Node
## The demo's one scene: the lobby screen until the lobby's owner starts the game, then the
## game, which GameSpawner replicates to every member; back to the lobby screen on leaving.

const GAME_SCENE := preload("res://game/game.tscn")

@onready var lobby_screen: LobbyScreen = $LobbyScreen
@onready var steam_problem_label: Label = $SteamProblemLabel
@onready var games: Node = $Games
@onready var game_spawner: MultiplayerSpawner = $GameSpawner


func _ready() -> void:
	lobby_screen.start_requested.connect(_start_game)
	game_spawner.spawned.connect(_on_game_spawned)
	Lobby.left.connect(_on_left_lobby)
	var problem := Lobby.steam_problem()
	if problem == "":
		get_window().title = "Steam Multiplayer Peer demo: %s" % Steam.getPersonaName()
		lobby_screen.show_browser()
	else:
		lobby_screen.hide()
		steam_problem_label.text = "Steam did not initialize: %s\n\nStart Steam, log in and restart the demo, or try it without Steam in local mode (STEAM_LOCAL_USER=1; see the README)." % problem
		steam_problem_label.show()
	# `-- --scripted=host|client` plays the demo by itself (see scripted_driver.gd).
	for argument in OS.get_cmdline_user_args():
		if argument.begins_with("--scripted="):
			add_child(ScriptedDriver.new())


## The game currently played, if any.
func game() -> Game:
	return games.get_child(0) as Game if games.get_child_count() > 0 else null


## On the lobby's owner: GameSpawner replicates the game to every member.
func _start_game() -> void:
	Lobby.close_to_new_members()
	games.add_child(GAME_SCENE.instantiate(), true)
	lobby_screen.hide()


func _on_game_spawned(_game: Node) -> void:
	lobby_screen.hide()


func _on_left_lobby(_reason: String) -> void:
	for ended in games.get_children():
		ended.queue_free()
	lobby_screen.show()
