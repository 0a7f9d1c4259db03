extends "res://e2e/scenario.gd"
## The soak: a host and seven clients for `--seconds`, with churn. Each client joins, plays for
## a few seconds (reliable, unreliable and ordered RPCs to the host, the host's broadcasts back),
## leaves, and joins again, so that someone joins or leaves every second or so. Before leaving,
## a client tells the host how many reliable messages it sent, and the host checks that exactly
## those arrived, in order. The host samples its resident memory and open file descriptors each
## second (`SOAK` lines, read by `cargo xtask soak`), then quits; clients stop when it has gone.
## The runner kills c7's process (SIGKILL) in its second session: the host must hear it go.

var peer: SteamMultiplayerPeer
var rng := RandomNumberGenerator.new()
var server_gone := false
var connected := false
# Host: per sender peer id, the next reliable number expected; sessions completed.
var expected_next := {}
var last_ordered := {}
var completed_sessions := 0
var joins := 0
var leaves := 0
# Client: the host's acknowledgement of our count, and the host's broadcasts heard.
var acknowledged := -1
var broadcasts_heard := 0
var sessions := 0


func run() -> void:
	rng.seed = hash(args.role)
	multiplayer.server_disconnected.connect(func(): server_gone = true)
	multiplayer.connected_to_server.connect(func(): connected = true)
	if args.role == "host":
		await run_host()
	else:
		await run_client()


func run_host() -> void:
	peer = SteamMultiplayerPeer.new()
	check(peer.create_host(0) == OK, "create_host")
	multiplayer.multiplayer_peer = peer
	multiplayer.peer_connected.connect(func(id: int): joins += 1; expected_next[id] = 0)
	multiplayer.peer_disconnected.connect(func(id: int): leaves += 1; expected_next.erase(id); last_ordered.erase(id))
	print("READY")
	var seconds := float(arg_int("seconds"))
	var started := Time.get_ticks_msec()
	var next_sample := 0
	var state := PackedByteArray()
	state.resize(64)
	while Time.get_ticks_msec() - started < seconds * 1000.0:
		var elapsed := Time.get_ticks_msec() - started
		if elapsed >= next_sample:
			print("SOAK t_ms=%d rss_kb=%d fds=%d peers=%d sessions=%d" % [elapsed, resident_kb(), open_fds(), multiplayer.get_peers().size(), completed_sessions])
			next_sample += 1000
		if not multiplayer.get_peers().is_empty():
			state.encode_u32(0, elapsed)
			_state.rpc(state)
		await get_tree().process_frame
	print("SOAK-END joins=%d leaves=%d sessions=%d" % [joins, leaves, completed_sessions])
	check(joins == leaves + multiplayer.get_peers().size(), "every client that came was heard leaving, the killed one too")
	check(completed_sessions >= arg_int("clients") * 2, "every client came and went more than once (%d sessions)" % completed_sessions)
	print("QUITTING")
	multiplayer.multiplayer_peer = null
	peer.close()


func run_client() -> void:
	# No new session in the host's last seconds: it would find the host gone.
	var stop_joining := Time.get_ticks_msec() + (arg_int("seconds") - 5) * 1000
	while not server_gone and Time.get_ticks_msec() < stop_joining:
		peer = SteamMultiplayerPeer.new()
		connected = false
		acknowledged = -1
		if not check(peer.create_client(arg_int("host"), 0) == OK, "create_client"):
			return
		multiplayer.multiplayer_peer = peer
		if not await wait_until(func(): return connected or server_gone, 20.0, "connected_to_server"):
			return
		sessions += 1
		if args.role == "c7" and sessions == 2:
			print("KILL ME")
			await wait_until(func(): return false, 30.0, "being killed")
			return
		var until := Time.get_ticks_msec() + rng.randi_range(2000, 6000)
		var sent := 0
		var filler := PackedByteArray()
		filler.resize(rng.randi_range(16, 900))
		while Time.get_ticks_msec() < until and not server_gone:
			_reliable.rpc_id(1, sent, filler)
			sent += 1
			_unreliable.rpc_id(1, filler)
			_ordered.rpc_id(1, sent)
			await get_tree().process_frame
		if server_gone:
			return
		_leaving.rpc_id(1)
		if not await wait_until(func(): return acknowledged >= 0 or server_gone, 20.0, "the host's count of our messages"):
			return
		if acknowledged >= 0:
			check(acknowledged == sent, "the host got our %d reliable messages, in order" % sent)
		multiplayer.multiplayer_peer = null
		peer.close()
		# Churn pacing, not synchronisation: stay away a moment before joining again.
		await get_tree().create_timer(rng.randf_range(0.2, 1.5)).timeout
	check(broadcasts_heard > 0, "the host's broadcasts arrived (%d)" % broadcasts_heard)


## Linux's count, from /proc, line by line: a /proc file says its length is 0.
func resident_kb() -> int:
	var status := FileAccess.open("/proc/self/status", FileAccess.READ)
	if status == null:
		return -1
	while not status.eof_reached():
		var line := status.get_line()
		if line.begins_with("VmRSS:"):
			return line.trim_prefix("VmRSS:").strip_edges().trim_suffix("kB").strip_edges().to_int()
	return -1


func open_fds() -> int:
	var dir := DirAccess.open("/proc/self/fd")
	if dir == null:
		return -1
	dir.include_hidden = true
	return dir.get_files().size() + dir.get_directories().size()


@rpc("any_peer", "call_remote", "reliable", 1)
func _reliable(number: int, _filler: PackedByteArray) -> void:
	var sender := multiplayer.get_remote_sender_id()
	if number != expected_next.get(sender, 0):
		check(false, "reliable message %d from %d arrived when %d was due" % [number, sender, expected_next.get(sender, 0)])
	expected_next[sender] = number + 1


@rpc("any_peer", "call_remote", "unreliable", 2)
func _unreliable(_filler: PackedByteArray) -> void:
	pass


@rpc("any_peer", "call_remote", "unreliable_ordered", 3)
func _ordered(number: int) -> void:
	var sender := multiplayer.get_remote_sender_id()
	if number <= last_ordered.get(sender, 0):
		check(false, "ordered message %d from %d arrived after %d" % [number, sender, last_ordered[sender]])
	last_ordered[sender] = number


@rpc("any_peer", "call_remote", "reliable", 1)
func _leaving() -> void:
	var sender := multiplayer.get_remote_sender_id()
	completed_sessions += 1
	_count.rpc_id(sender, expected_next.get(sender, 0))


@rpc("authority", "call_remote", "reliable", 1)
func _count(received: int) -> void:
	acknowledged = received


@rpc("authority", "call_remote", "unreliable_ordered", 3)
func _state(_state_bytes: PackedByteArray) -> void:
	broadcasts_heard += 1
