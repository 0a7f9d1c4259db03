extends "res://e2e/scenario.gd"
## Eight instances in a full mesh: a host and seven clients. The clients connect to each other
## by themselves (auto_mesh), and each adds every other too, as GodotSteam's code does, which
## meets the connections already there or crossing. Every instance greets every other directly
## and must hear from all seven. Then the host leaves and every client must notice.

const CLIENTS := 7

var peer := SteamMultiplayerPeer.new()
var greeted_by := {}
var server_gone := false
var ready_clients := {}
var go := false


func run() -> void:
	multiplayer.server_disconnected.connect(func(): server_gone = true)
	# Only for getPersonaName: the peer itself needs no initialized Steam in local mode.
	check(Steam.steamInitEx().status == Steam.STEAM_API_INIT_RESULT_OK, "steamInitEx")
	if args.role == "host":
		check(peer.create_host(0) == OK, "create_host")
		multiplayer.multiplayer_peer = peer
		print("READY")
		if not await wait_until(func(): return multiplayer.get_peers().size() == CLIENTS, 30.0, "all %d clients" % CLIENTS):
			return
		_mesh.rpc()
		await wait_until(func(): return ready_clients.size() == CLIENTS, 30.0, "every client to mesh")
		_greet_everyone.rpc()
		_greet_everyone()
		await wait_until(func(): return greeted_by.size() == CLIENTS, 20.0, "greetings from every client")
		await wait_until(func(): return ready_clients.values().all(func(done): return done), 20.0, "every client to hear from everyone")
		print("QUITTING")
		return
	check(peer.create_client(arg_int("host"), 0) == OK, "create_client")
	multiplayer.multiplayer_peer = peer
	await wait_until(func(): return go, 30.0, "the host to start the mesh")
	for steam_id in String(args.others).split(","):
		if steam_id.to_int() != arg_int("me"):
			check(peer.add_peer(steam_id.to_int()) == OK, "add_peer %s" % steam_id)
	await wait_until(func(): return multiplayer.get_peers().size() == CLIENTS, 30.0, "a direct connection to every other instance")
	_meshed.rpc_id(1, false)
	await wait_until(func(): return greeted_by.size() == CLIENTS, 20.0, "greetings from every other instance")
	_meshed.rpc_id(1, true)
	await wait_until(func(): return server_gone, 15.0, "server_disconnected when the host leaves")


@rpc("authority", "call_remote", "reliable")
func _mesh() -> void:
	go = true


@rpc("any_peer", "call_remote", "reliable")
func _meshed(heard_everyone: bool) -> void:
	ready_clients[multiplayer.get_remote_sender_id()] = heard_everyone


@rpc("authority", "call_remote", "reliable")
func _greet_everyone() -> void:
	_hello.rpc(Steam.getPersonaName())


@rpc("any_peer", "call_remote", "reliable", 1)
func _hello(persona: String) -> void:
	var from := multiplayer.get_remote_sender_id()
	check(not greeted_by.has(from), "%s greeted us once" % persona)
	greeted_by[from] = persona
