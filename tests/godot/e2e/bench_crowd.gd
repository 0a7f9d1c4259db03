extends "res://e2e/bench_common.gd"
## A host and eight clients ("c1" to "c8"):
## - connecting: the clients start their peers together, at a wall-clock time they agree on once
##   all are up (`agree_on_start`); each measures how long until it has `peer_connected` for
##   every other instance;
## - broadcast: the host calls a reliable RPC with a 64-byte argument on every client, many
##   times; each client reports how many it got, and the host counts deliveries per second
##   from its first call to the last report.

const CLIENTS := 8
const PAYLOAD := 64
## How long after the last client is up they all start, so that each has seen the others.
const GO_MARGIN_MS := 500.0
## Broadcast calls between two looks at the clock.
const CALL_BATCH := 16

var met := {}
var reported := {}
var ready_clients := {}
var broadcast_received := 0
var broadcast_expected := -1
## CPU ms each client used during the broadcast (host only).
var client_cpu := {}
var cpu_at_start := 0.0
var host_gone := false


func broadcasts() -> int:
	return 50 if is_quick() else 16000


func run() -> void:
	multiplayer.peer_connected.connect(func(id): met[id] = true)
	multiplayer.server_disconnected.connect(func(): host_gone = true)
	if args.role == "host":
		await run_host()
	else:
		await run_client()


func run_host() -> void:
	multiplayer.multiplayer_peer = make_host_peer(CLIENTS)
	print("READY")
	if not await wait_until(func(): return ready_clients.size() == CLIENTS, 30.0, "every client to meet everyone"):
		return
	var payload := PackedByteArray()
	payload.resize(PAYLOAD)
	var started := Time.get_ticks_usec()
	var host_cpu := cpu_ms()
	var calls := 0
	while calls < broadcasts():
		# Call for most of a frame, then let the frame end so that everyone polls.
		var frame_end := Time.get_ticks_usec() + 6000
		while calls < broadcasts() and Time.get_ticks_usec() < frame_end:
			for i in mini(CALL_BATCH, broadcasts() - calls):
				_broadcast.rpc(payload)
			calls += mini(CALL_BATCH, broadcasts() - calls)
		await get_tree().process_frame
	figure("broadcast_calls_per_s", calls / ((Time.get_ticks_usec() - started) / 1e6))
	_broadcast_end.rpc(calls)
	if not await wait_until(func(): return reported.size() == CLIENTS, 60.0, "every client's count"):
		return
	var seconds := (Time.get_ticks_usec() - started) / 1e6
	host_cpu = cpu_ms() - host_cpu
	var delivered := 0
	for id in reported:
		delivered += reported[id]
	check(delivered == calls * CLIENTS, "every client got every call (%d of %d)" % [delivered, calls * CLIENTS])
	figure("broadcast_delivered_per_s", delivered / seconds)
	# What every process spent on it: the machine's other load moves it less than the rate.
	var cpu := host_cpu
	for id in client_cpu:
		cpu += client_cpu[id]
	if cpu_ms() >= 0.0:
		figure("broadcast_cpu_us_per_delivery", cpu * 1000.0 / maxf(delivered, 1))
	# The host leaves first: clients that left first would make an ENet host tell the others
	# about each departure, on connections already closing.


func run_client() -> void:
	var go_at := await agree_on_start()
	if go_at < 0.0:
		return
	while wall_ms() < go_at:
		await get_tree().process_frame
	var started := wall_ms()
	multiplayer.multiplayer_peer = make_client_peer()
	if not await wait_until(func(): return met.size() == CLIENTS, 30.0, "peer_connected for every other instance"):
		return
	figure("connect_all_ms", wall_ms() - started)
	cpu_at_start = cpu_ms()
	_met_everyone.rpc_id(1)
	if not await wait_until(func(): return broadcast_expected >= 0, 60.0, "the host's broadcast"):
		return
	check(broadcast_received == broadcast_expected, "every broadcast call arrived (%d of %d)" % [broadcast_received, broadcast_expected])
	await wait_until(func(): return host_gone, 20.0, "the host to finish and leave")
	DirAccess.remove_absolute("%s/%s" % [start_folder(), args.role])
	# Fails while another client's file is there; the last one out removes the folder.
	DirAccess.remove_absolute(start_folder())


## The wall-clock time (ms) at which every client starts its peer, agreed through files: each
## client, once up, writes the time in a folder of its own run; once all have, each takes the
## latest plus a margin, the same for all. Godot's start-up on a loaded machine takes seconds
## and varies, so no fixed delay would do. -1 if they never all came.
func agree_on_start() -> float:
	DirAccess.make_dir_recursive_absolute(start_folder())
	var folder := start_folder()
	var mine := FileAccess.open("%s/%s" % [folder, args.role], FileAccess.WRITE)
	mine.store_string(str(wall_ms()))
	mine.close()
	var everyone := func(): return DirAccess.get_files_at(folder).size() == CLIENTS
	if not await wait_until(everyone, 60.0, "every client to start"):
		return -1.0
	var latest := 0.0
	for file in DirAccess.get_files_at(folder):
		latest = maxf(latest, FileAccess.get_file_as_string("%s/%s" % [folder, file]).to_float())
	return latest + GO_MARGIN_MS


## This run's folder: `--marker-ms`, the time the runner started the clients, tells runs apart.
func start_folder() -> String:
	var temp := OS.get_environment("TMPDIR") if OS.has_environment("TMPDIR") else "/tmp"
	return "%s/bench-crowd-%s-%s" % [temp.trim_suffix("/"), OS.get_environment("STEAM_LOCAL_PORT_BASE"), args.get("marker-ms")]


@rpc("any_peer", "call_remote", "reliable")
func _met_everyone() -> void:
	ready_clients[multiplayer.get_remote_sender_id()] = true


@rpc("authority", "call_remote", "reliable")
func _broadcast(data: PackedByteArray) -> void:
	if data.size() == PAYLOAD:
		broadcast_received += 1


@rpc("authority", "call_remote", "reliable")
func _broadcast_end(calls: int) -> void:
	broadcast_expected = calls
	_report.rpc_id(1, broadcast_received, cpu_ms() - cpu_at_start)


@rpc("any_peer", "call_remote", "reliable")
func _report(received: int, cpu: float) -> void:
	reported[multiplayer.get_remote_sender_id()] = received
	client_cpu[multiplayer.get_remote_sender_id()] = cpu

