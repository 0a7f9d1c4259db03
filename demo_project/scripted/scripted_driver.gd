class_name ScriptedDriver
extends Node
## Plays the demo by itself, for `cargo xtask demo` without a display and for the tests:
## `godot --path demo_project -- --scripted=host` (or `=client`). It presses the buttons and
## keys a player would, in the real scenes, waits (bounded) for what a player would see, and
## narrates: `STEP` lines say what happened, `CHECK ok:` and `FAIL:` lines what was checked.
## `--scripted=no_steam`, started without Steam, checks that the demo says so.
## `--leaver=host` makes the host leave the game first (the client by default);
## `--screenshots=DIR` saves the lobby and the game, as drawn, to DIR.

## How long any one wait may take.
const WAIT_SECONDS := 20.0
const LOBBY_NAME := "Scripted demo"
## How far a player must be seen to move. The client runs at least 70 pixels for the first
## coin (which appears 100 away, and is taken 24 away) and the host walks 200.
const SEEN_MOVING := 40.0
## Physics frames the host walks for (60 a second).
const WALK_FRAMES := 60

var _role := ""
var _leaver := "client"
var _screenshot_dir := ""
var _failures := 0
var _started_msec := 0
## Who we are in the transcript.
var _who := ""
var _lists_received := 0
var _held := {}

@onready var _main: Main = get_parent()
@onready var _browser: LobbyBrowser = _main.lobby_screen.browser
@onready var _room: LobbyRoom = _main.lobby_screen.room


func _ready() -> void:
	for argument in OS.get_cmdline_user_args():
		var parts := argument.trim_prefix("--").split("=", true, 1)
		var value := parts[1] if parts.size() > 1 else ""
		match parts[0]:
			"scripted":
				_role = value
			"leaver":
				_leaver = value
			"screenshots":
				_screenshot_dir = value
	_started_msec = Time.get_ticks_msec()
	_who = Steam.getPersonaName() if Lobby.steam_problem() == "" else "(no Steam)"
	Lobby.list_received.connect(_on_list_received)
	if _screenshot_dir != "":
		_check(RenderingServer.get_current_rendering_driver_name() == "opengl3", "drawn with OpenGL, on %s" % RenderingServer.get_video_adapter_name())
	match _role:
		"host":
			if _check_steam():
				await _play_host()
		"client":
			if _check_steam():
				await _play_client()
		"no_steam":
			_check_no_steam_shown()
		_:
			_check(false, "--scripted=host, client or no_steam, not %s" % _role)
	_finish()


func _check_steam() -> bool:
	var problem := Lobby.steam_problem()
	return _check(problem == "", "Steam is initialized" if problem == "" else "Steam did not initialize: %s" % problem)


func _check_no_steam_shown() -> void:
	var shown := _main.steam_problem_label
	_check(Lobby.steam_problem() != "", "Steam did not initialize (no Steam client, no local mode)")
	_check(shown.is_visible_in_tree() and shown.text.begins_with("Steam did not initialize"), "the screen says so")
	_check(not _main.lobby_screen.visible, "the lobby screen is hidden")
	_step("no_steam", "the screen reads: %s" % shown.text.replace("\n", " "))


func _play_host() -> void:
	_browser.name_edit.text = LOBBY_NAME
	_browser.create_button.pressed.emit()
	if not await _wait_for(_room.is_visible_in_tree, "the lobby room, once the lobby is created"):
		return
	_check(Lobby.is_owner(), "we own the lobby")
	_step("create", "created the lobby “%s”; members: %s" % [Lobby.lobby_name(), _room.listed_members()])
	# The runner starts the client on this line.
	print("LOBBY READY")
	if not await _wait_for(func() -> bool: return _room.listed_members().size() == 2, "a second member"):
		return
	if not await _wait_for(_chat_has.bind("Hello from Player 2!"), "the client's chat message"):
		return
	_say_in_chat("Welcome, Player 2!")
	if not await _wait_for(_chat_has.bind("Welcome, Player 2!"), "our own message back from the lobby chat"):
		return
	_step("chat", "the lobby chat reads: %s" % _chat_lines())
	_room.ready_button.button_pressed = true
	if not await _wait_for(func() -> bool: return not _room.start_button.disabled, "everyone ready and connected, so Start is enabled"):
		return
	_step("ready", "everyone is ready; members: %s" % _room.listed_members())
	_check(_room.listed_members() == PackedStringArray(["★ Player 1  · ready", "Player 2  · ready"]), "the member list marks the owner and who is ready")
	await _screenshot("lobby")
	_room.start_button.pressed.emit()
	await _play_game()


func _play_client() -> void:
	var seen := _lists_received
	_browser.refresh_button.pressed.emit()
	if not await _wait_for(func() -> bool: return _lists_received > seen, "the lobby list"):
		return
	var index := _listed_index(LOBBY_NAME)
	if not _check(index >= 0, "the lobby list shows “%s”: %s" % [LOBBY_NAME, _browser.listed_lobbies()]):
		return
	_step("list", "the lobby list shows %s" % _browser.listed_lobbies())
	_browser.lobby_list.select(index)
	_browser.lobby_list.item_selected.emit(index)
	_browser.join_button.pressed.emit()
	if not await _wait_for(_room.is_visible_in_tree, "the lobby room, once joined"):
		return
	if not await _wait_for(func() -> bool: return not "".join(_room.listed_members()).contains("connecting"), "the connection to the host"):
		return
	_step("join", "joined; members: %s" % _room.listed_members())
	_check(_room.listed_members() == PackedStringArray(["★ Player 1", "Player 2"]), "the member list shows the owner first, marked, and persona names")
	_say_in_chat("Hello from Player 2!")
	if not await _wait_for(_chat_has.bind("Welcome, Player 2!"), "the host's answer in the lobby chat"):
		return
	_step("chat", "the lobby chat reads: %s" % _chat_lines())
	_room.ready_button.button_pressed = true
	_step("ready", "ticked Ready")
	await _play_game()


## In the game, both sides. The client runs for the coin; the host walks once it has seen the
## client move, so each sees the other move however late its game scene came up. Then the
## leaver waves once done, the other waves back once done too, and the leaver leaves.
func _play_game() -> void:
	if not await _wait_for(func() -> bool: return _main.game() != null, "the game to start"):
		return
	var game := _main.game()
	_step("start", "the game started")
	if not await _wait_for(func() -> bool: return game.players.get_child_count() == 2, "both players to be spawned"):
		return
	var me := game.local_player()
	var other := _other_player(game)
	if not _check(me != null and other != null, "our player and the other's are spawned"):
		return
	_check(me.color != other.color, "the players have different colours")
	_step("spawn", "players on the field: %s" % _player_names(game))
	var other_seen_at := other.position
	if _role == "client":
		if not await _run_for_coin(game, me):
			return
		if not await _see_move(other, other_seen_at):
			return
	else:
		if not await _see_move(other, other_seen_at):
			return
		if not await _wait_for(func() -> bool: return other.score >= 1, "%s's score to reach 1" % other.display_name):
			return
		_step("coin", "%s has %d; messages: %s" % [other.display_name, other.score, game.messages()])
		await _walk(me, "move_right")
	if not await _wait_for(_overlay_measures.bind(game, other.display_name), "the network overlay to measure the connection to %s" % other.display_name):
		return
	_step("overlay", "network overlay: %s" % [game.network_overlay.rows])
	if _role == _leaver:
		await _screenshot("game", game)
		_press("wave")
		if not await _wait_for(_message_shown.bind(game, "%s waves." % other.display_name), "%s to wave back" % other.display_name):
			return
		_step("wave", "%s waved back; leaving the game" % other.display_name)
		_press("leave_game")
		await _check_back_in_browser("")
		if _role == "client":
			await _check_not_listed_after_start()
	else:
		if not await _wait_for(_message_shown.bind(game, "%s waves." % other.display_name), "%s to wave" % other.display_name):
			return
		await _screenshot("game", game)
		_press("wave")
		_step("wave", "%s waved; waved back" % other.display_name)
		if _role == "host":
			await _see_client_leave(game, other)
		else:
			await _check_back_in_browser("The host left.")


## Waits to see `player` move away from `from`: its positions arrive as RPCs on their channel.
func _see_move(player: Player, from: Vector2) -> bool:
	if not await _wait_for(func() -> bool: return player.position.distance_to(from) > SEEN_MOVING, "%s to move" % player.display_name):
		return false
	_step("move", "saw %s move from %s to %s" % [player.display_name, from, player.position])
	return true


## The client steers for the coin, key by key, until the host counts it.
func _run_for_coin(game: Game, me: Player) -> bool:
	var deadline := Time.get_ticks_msec() + int(WAIT_SECONDS * 1000.0)
	var start := me.position
	while me.score < 1:
		if Time.get_ticks_msec() > deadline:
			_release_all()
			return _check(false, "took the coin (gave up after %s s at %s, the coin at %s)" % [WAIT_SECONDS, me.position, game.coin_position])
		var offset := game.coin_position - me.position
		_hold("move_right", offset.x > 4.0)
		_hold("move_left", offset.x < -4.0)
		_hold("move_down", offset.y > 4.0)
		_hold("move_up", offset.y < -4.0)
		await get_tree().physics_frame
	_release_all()
	_step("coin", "ran from %s and took the coin; score %d; messages: %s" % [start, me.score, game.messages()])
	return _check(game.messages().has("%s took the coin (1)." % me.display_name), "the message log says who took the coin")


## The host, after the client left: its avatar is gone, a message says so, and the game goes on.
func _see_client_leave(game: Game, other: Player) -> void:
	var who := other.display_name
	if not await _wait_for(func() -> bool: return game.players.get_child_count() == 1, "the client's player to be removed"):
		return
	_check(_message_shown(game, "%s left the game." % who), "the message log says %s left" % who)
	var me := game.local_player()
	var before := me.position
	await _walk(me, "move_left")
	_check(me.position.distance_to(before) > SEEN_MOVING, "the game goes on: we still move")
	_step("leave", "%s left; players now %s; messages: %s" % [who, _player_names(game), game.messages()])
	_press("leave_game")
	await _check_back_in_browser("")


func _check_back_in_browser(status: String) -> void:
	if not await _wait_for(func() -> bool: return _browser.is_visible_in_tree() and _main.game() == null, "back to the lobby browser"):
		return
	_check(_main.lobby_screen.status_label.text == status, "the lobby screen says %s" % ("“%s”" % status if status != "" else "nothing"))
	_step("left", "back in the lobby browser; it says “%s”" % _main.lobby_screen.status_label.text)


## A started game's lobby is closed to new members, so the list no longer shows it.
func _check_not_listed_after_start() -> void:
	var seen := _lists_received
	_browser.refresh_button.pressed.emit()
	if await _wait_for(func() -> bool: return _lists_received > seen, "the lobby list"):
		_check(_listed_index(LOBBY_NAME) < 0, "a started game is not listed: %s" % _browser.listed_lobbies())


func _walk(me: Player, action: String) -> void:
	var from := me.position
	_hold(action, true)
	for _frame in WALK_FRAMES:
		await get_tree().physics_frame
	_hold(action, false)
	_step("walk", "walked from %s to %s" % [from, me.position])


## Presses and releases a key's action, as input events, as the keyboard would.
func _press(action: String) -> void:
	_send(action, true)
	_send(action, false)


## Holds a key's action down, or lets it go. Input reads events once a frame, so the driver
## keeps track of what it holds itself.
func _hold(action: String, pressed: bool) -> void:
	if _held.get(action, false) != pressed:
		_held[action] = pressed
		_send(action, pressed)


func _send(action: String, pressed: bool) -> void:
	var event := InputEventAction.new()
	event.action = action
	event.pressed = pressed
	Input.parse_input_event(event)


func _release_all() -> void:
	for action: String in ["move_left", "move_right", "move_up", "move_down"]:
		_hold(action, false)


func _say_in_chat(text: String) -> void:
	_room.chat_edit.text = text
	_room.send_button.pressed.emit()


func _chat_has(text: String) -> bool:
	return _room.chat_log.get_parsed_text().contains(text)


func _chat_lines() -> PackedStringArray:
	return _room.chat_log.get_parsed_text().strip_edges().split("\n")


func _listed_index(lobby_name: String) -> int:
	var lines := _browser.listed_lobbies()
	for index in lines.size():
		if lines[index].begins_with(lobby_name + " "):
			return index
	return -1


func _other_player(game: Game) -> Player:
	for player: Player in game.players.get_children():
		if player != game.local_player():
			return player
	return null


func _player_names(game: Game) -> PackedStringArray:
	var names := PackedStringArray()
	for player: Player in game.players.get_children():
		names.append("%s at %s" % [player.display_name, player.position])
	return names


func _message_shown(game: Game, text: String) -> bool:
	return game.messages().has(text)


## Steam measures the ping and the qualities once a second or so: every cell filled.
func _overlay_measures(game: Game, player_name: String) -> bool:
	for row in game.network_overlay.rows:
		if row[0] == player_name and not row.has(NetworkOverlay.UNMEASURED) and not row[2].contains(NetworkOverlay.UNMEASURED):
			return true
	return false


## Saves what the window shows as DIR/<role>-<what>.png, when asked to, and checks that it
## is not blank and, in the game, that every player's colour is on it.
func _screenshot(what: String, game: Game = null) -> void:
	if _screenshot_dir == "":
		return
	await RenderingServer.frame_post_draw
	var path := _screenshot_dir.path_join("%s-%s.png" % [_role, what])
	var saved := get_viewport().get_texture().get_image().save_png(path)
	if not _check(saved == OK, "saved %s: %s" % [path, error_string(saved)]):
		return
	var image := Image.load_from_file(path)
	var background := image.get_pixel(0, 0)
	var drawn := _count_pixels(image, func(color: Color) -> bool: return not color.is_equal_approx(background))
	_check(drawn * 50 > image.get_width() * image.get_height(), "the %s screenshot is not blank (%d of %d pixels differ from the corner)" % [what, drawn, image.get_width() * image.get_height()])
	if game != null:
		for player: Player in game.players.get_children():
			var count := _count_pixels(image, func(color: Color) -> bool: return _close(color, player.color))
			_check(count >= 200, "the game screenshot shows %s in its colour (%d pixels)" % [player.display_name, count])
	_step("screenshot", "saved %s (%dx%d)" % [path, image.get_width(), image.get_height()])


func _count_pixels(image: Image, matches: Callable) -> int:
	var count := 0
	for y in image.get_height():
		for x in image.get_width():
			if matches.call(image.get_pixel(x, y)):
				count += 1
	return count


func _close(a: Color, b: Color) -> bool:
	return absf(a.r - b.r) < 0.02 and absf(a.g - b.g) < 0.02 and absf(a.b - b.b) < 0.02


## Waits frame by frame until `condition` holds, at most WAIT_SECONDS; a FAIL line if not.
func _wait_for(condition: Callable, what: String) -> bool:
	var deadline := Time.get_ticks_msec() + int(WAIT_SECONDS * 1000.0)
	while not condition.call():
		if Time.get_ticks_msec() > deadline:
			return _check(false, "%s (gave up after %s s)" % [what, WAIT_SECONDS])
		await get_tree().process_frame
	return true


func _check(condition: bool, what: String) -> bool:
	if condition:
		print("CHECK ok: ", what)
	else:
		_failures += 1
		print("FAIL: ", what)
	return condition


func _step(step: String, text: String) -> void:
	var seconds := (Time.get_ticks_msec() - _started_msec) / 1000.0
	print("STEP %s (%.1f s) %s: %s" % [step, seconds, _who, text])


func _on_list_received(_lobbies: Array[Dictionary]) -> void:
	_lists_received += 1


func _finish() -> void:
	print("DEMO %s %s" % [_role, "passed" if _failures == 0 else "FAILED"])
	Lobby.leave()
	get_tree().quit(0 if _failures == 0 else 1)
