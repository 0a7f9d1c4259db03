extends "res://e2e/scenario.gd"
## A small game written for ENetMultiplayerPeer, the way Godot's documentation and demos write
## one, ported to Steam by changing only the lines that create the peer (`make_host_peer`,
## `make_client_peer`). With `--peer=enet` the same script runs on ENetMultiplayerPeer, as the
## control. A host and three clients; the last ("late") joins once the others are in the lobby.
##
## - Lobby: on peer_connected every instance sends its player info to the new peer by RPC,
##   client to client too (`_register_player`, as in Godot's lobby tutorial).
## - The host starts the game with a call_local RPC; each instance builds the world and tells
##   the host it is loaded; the host spawns the players with a MultiplayerSpawner.
## - Each player's Input node has that player's peer as authority and a MultiplayerSynchronizer;
##   the host moves the players and turns shots into projectiles (a second MultiplayerSpawner)
##   that score when they land.
## - Every instance prints the players and scores it ends with (`AGREE ...`); the runner checks
##   that all print the same. Then one client leaves (everyone else hears it once) and the host
##   quits with its world in place, as a game does when its window closes (or, with
##   `--host-ends=close`, closes its peer first): the clients hear peer_disconnected(1) and
##   server_disconnected, nothing else, and no log has an error.

const PLAYERS := 4
const SHOT_INTERVAL := 0.15
const SHOT_FLIGHT := 0.25
## The longest a late joiner may take, from connected_to_server, to be connected to everyone.
const MESH_DEADLINE := 1.0

## peer id -> {"name": String}, as every instance learns it (the lobby).
var players := {}
var player_info := {"name": ""}
## peer id -> peer ids it knows (host only), from `_lobby_seen`.
var lobby_seen := {}
## peer ids that loaded the world (host only).
var loaded := {}
## peer id -> shots turned into projectiles so far (host only).
var fired := {}
## peer ids that printed their final view (host only).
var agreed := {}
## peer ids that saw the leaver go (host only).
var saw_leave := {}
## Godot's multiplayer signals as they came, for the checks at the end.
var events: Array = []
var started := false
var final_scores := {}
var leave_now := false
## The peer id of the player who leaves at the end ("a").
var leaver := 0
var world: Node
## Seconds until this instance fires its next shot.
var next_shot := 0.0


func _ready() -> void:
	await run()
	print("E2E %s %s" % [args.get("role"), "passed" if failures == 0 else "FAILED"])
	# As a game quits when its window closes: the peer, the world and its spawned nodes in place.
	get_tree().quit(0 if failures == 0 else 1)


func run() -> void:
	player_info.name = String(args.role)
	multiplayer.peer_connected.connect(_on_player_connected)
	multiplayer.peer_disconnected.connect(_on_player_disconnected)
	multiplayer.connected_to_server.connect(_on_connected_ok)
	multiplayer.server_disconnected.connect(_on_server_disconnected)
	multiplayer.connection_failed.connect(func(): events.append(["failed"]))
	if args.role == "host":
		await run_host()
	else:
		await run_client()


# --- The only lines a port from ENet changes. ---------------------------------------------

func make_host_peer() -> MultiplayerPeer:
	if args.get("peer") == "enet":
		var enet := ENetMultiplayerPeer.new()
		check(enet.create_server(arg_int("enet-port"), PLAYERS) == OK, "ENet create_server")
		return enet
	var steam := new_peer()
	steam.server_relay = args.get("relay") == "true"
	check(steam.create_host(0) == OK, "create_host")
	return steam


func make_client_peer() -> MultiplayerPeer:
	if args.get("peer") == "enet":
		var enet := ENetMultiplayerPeer.new()
		check(enet.create_client("127.0.0.1", arg_int("enet-port")) == OK, "ENet create_client")
		return enet
	var steam := new_peer()
	check(steam.create_client(arg_int("host"), 0) == OK, "create_client")
	return steam


# --- The lobby, as in Godot's "High-level multiplayer" lobby example. ------------------------

func _on_player_connected(id: int) -> void:
	events.append(["connected", id])
	_register_player.rpc_id(id, player_info)


@rpc("any_peer", "reliable")
func _register_player(new_player_info: Dictionary) -> void:
	players[multiplayer.get_remote_sender_id()] = new_player_info
	_report_lobby()


func _on_player_disconnected(id: int) -> void:
	events.append(["disconnected", id])
	players.erase(id)


func _on_connected_ok() -> void:
	events.append(["to_server"])
	players[multiplayer.get_unique_id()] = player_info
	_report_lobby()


func _on_server_disconnected() -> void:
	events.append(["server_gone"])
	_end_session()


## Back to the menu, as the tutorial's `remove_multiplayer_peer`: no peer, no world.
func _end_session() -> void:
	if world != null:
		world.queue_free()
		world = null
	multiplayer.multiplayer_peer = null
	players.clear()


func _report_lobby() -> void:
	if not multiplayer.is_server():
		_lobby_seen.rpc_id(1, players.keys())


@rpc("any_peer", "reliable")
func _lobby_seen(ids: Array) -> void:
	lobby_seen[multiplayer.get_remote_sender_id()] = ids


# --- The host's part. --------------------------------------------------------------------

func run_host() -> void:
	multiplayer.multiplayer_peer = make_host_peer()
	players[1] = player_info
	print("READY")
	# a and b first; then the late joiner, once they know each other.
	if not await wait_until(func(): return _lobby_complete(3), 20.0, "a and b in everyone's lobby"):
		return
	print("START LATE")
	if not await wait_until(func(): return _lobby_complete(PLAYERS), 20.0, "all %d players in everyone's lobby" % PLAYERS):
		return
	start_game.rpc()
	if not await wait_until(func(): return loaded.size() == PLAYERS, 10.0, "every player to load the world"):
		return
	for id in players:
		fired[id] = 0
		world.get_node("PlayerSpawner").spawn(id)
	if not await wait_until(_all_shots_landed, 20.0, "every player's shots to land"):
		return
	var scores := {}
	for player in world.get_node("Players").get_children():
		scores[player.peer_id] = player.score
	end_game.rpc(scores)
	if not await wait_until(func(): return agreed.size() == PLAYERS, 10.0, "every player's final view"):
		return
	_leave.rpc_id(leaver)
	await wait_until(func(): return saw_leave.size() == PLAYERS - 2 and events.has(["disconnected", leaver]), 10.0, "everyone to see a leave")
	check(events.count(["disconnected", leaver]) == 1, "peer_disconnected for the leaver, once")
	check(_met_everyone_once(), "peer_connected once for every other player (%s)" % [events])
	print("QUITTING")
	if args.get("host-ends") == "close":
		# The game stops, closes its peer, and quits a little later.
		world = null
		multiplayer.multiplayer_peer.close()
		await get_tree().create_timer(0.5).timeout


## True once the host and every client know the same `count` players.
func _lobby_complete(count: int) -> bool:
	if players.size() != count or lobby_seen.size() != count - 1:
		return false
	for id in lobby_seen:
		if not players.has(id) or lobby_seen[id].size() != count:
			return false
	return true


func _all_shots_landed() -> bool:
	for id in players:
		if fired.get(id, 0) < shots_for(id):
			return false
	return world.get_node("Projectiles").get_child_count() == 0


@rpc("any_peer", "call_local", "reliable")
func player_loaded() -> void:
	loaded[multiplayer.get_remote_sender_id()] = true


@rpc("any_peer", "reliable")
func _agreed() -> void:
	agreed[multiplayer.get_remote_sender_id()] = true


@rpc("any_peer", "reliable")
func _saw_leave() -> void:
	saw_leave[multiplayer.get_remote_sender_id()] = true


func _physics_process(delta: float) -> void:
	if world == null or not multiplayer.is_server():
		return
	for player in world.get_node("Players").get_children():
		var input: PlayerInput = player.get_node("Input")
		player.position += input.direction * 100.0 * delta
		while fired[player.peer_id] < input.shots:
			fired[player.peer_id] += 1
			world.get_node("ProjectileSpawner").spawn([player.peer_id, fired[player.peer_id]])
	for shot in world.get_node("Projectiles").get_children():
		shot.age += delta
		shot.position.x += 300.0 * delta
		if shot.age >= SHOT_FLIGHT:
			world.get_node("Players/P%d" % shot.shooter).score += 1
			shot.queue_free()


# --- A client's part. --------------------------------------------------------------------

func run_client() -> void:
	var asked := Time.get_ticks_msec()
	multiplayer.multiplayer_peer = make_client_peer()
	if not await wait_until(func(): return events.has(["to_server"]), 15.0, "connected_to_server"):
		return
	var connected_at := Time.get_ticks_msec()
	if args.role == "late":
		var meshed := await wait_until(func(): return multiplayer.get_peers().size() == PLAYERS - 1, MESH_DEADLINE, "the late joiner connected to every other player within %s s" % MESH_DEADLINE)
		var took := Time.get_ticks_msec() - connected_at
		print("FIGURE: the late joiner was connected to every other player %d ms after connected_to_server (%d ms after create_client)" % [took, Time.get_ticks_msec() - asked])
		if not meshed:
			return
	await wait_until(func(): return started, 20.0, "the host to start the game")
	await wait_until(func(): return not final_scores.is_empty(), 20.0, "the game to end")
	await wait_until(func(): return leave_now or events.has(["disconnected", leaver]), 10.0, "a to leave")
	if args.role == "a":
		check(players.size() == PLAYERS, "the leaver still knows every player")
		_end_session()
		return
	check(events.count(["disconnected", leaver]) == 1, "peer_disconnected for the leaver, once")
	check(players.size() == PLAYERS - 1 and not players.has(leaver), "the leaver is out of the lobby")
	check(_met_everyone_once(), "peer_connected once for every other player (%s)" % [events])
	var before := events.size()
	_saw_leave.rpc_id(1)
	await wait_until(func(): return events.has(["server_gone"]), 10.0, "server_disconnected when the host quits")
	# Let anything late arrive before judging what the host's going looked like.
	await get_tree().create_timer(0.3).timeout
	var ending := events.slice(before)
	check(ending == [["disconnected", 1], ["server_gone"]], "the host quitting: peer_disconnected(1), then server_disconnected, nothing else (got %s)" % [ending])


@rpc("authority", "reliable")
func _leave() -> void:
	leave_now = true


# --- The game, the same on every instance. -----------------------------------------------

@rpc("authority", "call_local", "reliable")
func start_game() -> void:
	check(players.size() == PLAYERS, "every player is in the lobby when the game starts (%s)" % [players.keys()])
	check(multiplayer.get_peers().size() == PLAYERS - 1, "connected to every other player (%s)" % [multiplayer.get_peers()])
	world = Node.new()
	world.name = "World"
	for part in ["Players", "Projectiles"]:
		var holder := Node.new()
		holder.name = part
		world.add_child(holder)
	world.add_child(_spawner("PlayerSpawner", "../Players", _spawn_player))
	world.add_child(_spawner("ProjectileSpawner", "../Projectiles", _spawn_projectile))
	add_child(world)
	started = true
	player_loaded.rpc_id(1)


func _spawner(node_name: String, path: String, spawn: Callable) -> MultiplayerSpawner:
	var spawner := MultiplayerSpawner.new()
	spawner.name = node_name
	spawner.spawn_path = NodePath(path)
	spawner.spawn_function = spawn
	return spawner


func _spawn_player(id: int) -> Node:
	var player := Player.new()
	player.name = "P%d" % id
	player.peer_id = id
	player.add_child(_synchronizer("Sync", {".:position": SceneReplicationConfig.REPLICATION_MODE_ALWAYS, ".:score": SceneReplicationConfig.REPLICATION_MODE_ON_CHANGE}))
	var input := PlayerInput.new()
	input.name = "Input"
	var input_sync := _synchronizer("InputSync", {".:direction": SceneReplicationConfig.REPLICATION_MODE_ALWAYS, ".:shots": SceneReplicationConfig.REPLICATION_MODE_ON_CHANGE}, false)
	# Only the host reads a player's input. (Public, in a full mesh, its first update could
	# reach another client before the host's spawn of its player does: see the README.)
	input_sync.public_visibility = false
	input_sync.set_visibility_for(1, true)
	input.add_child(input_sync)
	input.set_multiplayer_authority(id)
	player.add_child(input)
	return player


func _spawn_projectile(data: Array) -> Node:
	var shot := Projectile.new()
	shot.name = "Shot%d_%d" % data
	shot.shooter = data[0]
	shot.position = world.get_node("Players/P%d" % data[0]).position
	shot.add_child(_synchronizer("Sync", {".:position": SceneReplicationConfig.REPLICATION_MODE_ALWAYS}))
	return shot


func _synchronizer(node_name: String, properties: Dictionary, spawn := true) -> MultiplayerSynchronizer:
	var config := SceneReplicationConfig.new()
	for property in properties:
		var path := NodePath(property)
		config.add_property(path)
		config.property_set_spawn(path, spawn)
		config.property_set_replication_mode(path, properties[property])
	var sync := MultiplayerSynchronizer.new()
	sync.name = node_name
	sync.replication_config = config
	return sync


## Drives this instance's own input: it moves, and fires its shots one by one.
func _process(delta: float) -> void:
	if world == null:
		return
	var me := multiplayer.get_unique_id()
	var input: PlayerInput = world.get_node_or_null("Players/P%d/Input" % me)
	if input == null:
		return
	input.direction = Vector2.RIGHT.rotated(float(me % 7))
	next_shot -= delta
	if next_shot <= 0.0 and input.shots < shots_for(me):
		input.shots += 1
		next_shot = SHOT_INTERVAL


## How many shots a player fires: different players, different scores.
func shots_for(id: int) -> int:
	return 1 + id % 4


@rpc("authority", "call_local", "reliable")
func end_game(scores: Dictionary) -> void:
	final_scores = scores
	leaver = _peer_of("a")
	var replicated := func() -> bool:
		for player in world.get_node("Players").get_children():
			if scores.get(player.peer_id, -1) != player.score:
				return false
		return world.get_node("Players").get_child_count() == scores.size()
	await wait_until(replicated, 10.0, "the replicated scores to match the host's")
	var view: Array = []
	var ids := players.keys()
	ids.sort()
	for id in ids:
		var player := world.get_node_or_null("Players/P%d" % id)
		view.append("%d:%s:%s" % [id, players[id].name, player.score if player else "missing"])
	print("AGREE players and scores: ", ", ".join(view))
	if not multiplayer.is_server():
		_agreed.rpc_id(1)
	else:
		agreed[1] = true


func _met_everyone_once() -> bool:
	var met := events.filter(func(event): return event[0] == "connected").map(func(event): return event[1])
	if met.size() != PLAYERS - 1:
		return false
	for id in met:
		if met.count(id) != 1 or id == multiplayer.get_unique_id():
			return false
	return true


func _peer_of(player_name: String) -> int:
	for id in players:
		if players[id].name == player_name:
			return id
	return -1


class Player extends Node2D:
	var peer_id := 0
	var score := 0


class PlayerInput extends Node:
	var direction := Vector2.ZERO
	var shots := 0


class Projectile extends Node2D:
	var shooter := 0
	var age := 0.0
