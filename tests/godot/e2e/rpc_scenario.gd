extends "res://e2e/scenario.gd"
## Scenarios that talk through RPCs: traffic in every transfer mode and channel, checked as it
## arrives against each mode's guarantee, and barriers that keep the processes in step.

const MODES := [
	MultiplayerPeer.TRANSFER_MODE_UNRELIABLE,
	MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED,
	MultiplayerPeer.TRANSFER_MODE_RELIABLE,
]
const PREFIXES := ["u", "o", "r"]
const CHANNELS := 4
const PER_STREAM := 40

## "sender/mode/channel" -> {"next": int, "last": int, "seen": Dictionary, "count": int}
var streams := {}
## phase -> peer ids that reached it (on the host)
var arrived := {}
## phase -> true once the host said go (on clients)
var proceeded := {}
## The scenario's main peer.
var peer: SteamMultiplayerPeer
## Godot's multiplayer signals as they came: ["connected", id], ["disconnected", id],
## ["to_server"], ["server_gone"], ["failed"].
var events: Array = []


## Records Godot's signals, then plays the host's part or a client's.
func run() -> void:
	peer = new_peer()
	record_events()
	if args.role == "host":
		await run_host()
	else:
		await run_client()


## Overridden by each scenario.
func run_host() -> void:
	pass


## Overridden by each scenario.
func run_client() -> void:
	pass


func record_events() -> void:
	multiplayer.peer_connected.connect(func(id): events.append(["connected", id]))
	multiplayer.peer_disconnected.connect(func(id): events.append(["disconnected", id]))
	multiplayer.connected_to_server.connect(func(): events.append(["to_server"]))
	multiplayer.server_disconnected.connect(func(): events.append(["server_gone"]))
	multiplayer.connection_failed.connect(func(): events.append(["failed"]))


@rpc("any_peer", "call_remote", "unreliable", 0)
func u0(seq: int, text: String, data: PackedByteArray) -> void:
	_got(0, 0, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable", 1)
func u1(seq: int, text: String, data: PackedByteArray) -> void:
	_got(0, 1, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable", 2)
func u2(seq: int, text: String, data: PackedByteArray) -> void:
	_got(0, 2, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable", 3)
func u3(seq: int, text: String, data: PackedByteArray) -> void:
	_got(0, 3, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable_ordered", 0)
func o0(seq: int, text: String, data: PackedByteArray) -> void:
	_got(1, 0, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable_ordered", 1)
func o1(seq: int, text: String, data: PackedByteArray) -> void:
	_got(1, 1, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable_ordered", 2)
func o2(seq: int, text: String, data: PackedByteArray) -> void:
	_got(1, 2, seq, text, data)


@rpc("any_peer", "call_remote", "unreliable_ordered", 3)
func o3(seq: int, text: String, data: PackedByteArray) -> void:
	_got(1, 3, seq, text, data)


@rpc("any_peer", "call_remote", "reliable", 0)
func r0(seq: int, text: String, data: PackedByteArray) -> void:
	_got(2, 0, seq, text, data)


@rpc("any_peer", "call_remote", "reliable", 1)
func r1(seq: int, text: String, data: PackedByteArray) -> void:
	_got(2, 1, seq, text, data)


@rpc("any_peer", "call_remote", "reliable", 2)
func r2(seq: int, text: String, data: PackedByteArray) -> void:
	_got(2, 2, seq, text, data)


@rpc("any_peer", "call_remote", "reliable", 3)
func r3(seq: int, text: String, data: PackedByteArray) -> void:
	_got(2, 3, seq, text, data)


## Sends PER_STREAM packets in every mode and channel to `target` (0: everyone), one round
## per frame as a game would (a burst would leave unreliable_ordered only its first arrivals).
func send_traffic(target: int) -> void:
	for seq in PER_STREAM:
		if seq > 0:
			await get_tree().process_frame
		for mode in MODES:
			for channel in CHANNELS:
				var method := "%s%d" % [PREFIXES[mode], channel]
				if target == 0:
					rpc(method, seq, expected_text(mode, channel, seq), expected_data(seq))
				else:
					rpc_id(target, method, seq, expected_text(mode, channel, seq), expected_data(seq))


func expected_text(mode: int, channel: int, seq: int) -> String:
	return "mode %d channel %d packet %d" % [mode, channel, seq]


func expected_data(seq: int) -> PackedByteArray:
	var data := PackedByteArray()
	data.resize(seq % 50 + 1)
	for i in data.size():
		data[i] = (seq + i) % 256
	return data


func _got(mode: int, channel: int, seq: int, text: String, data: PackedByteArray) -> void:
	var sender := multiplayer.get_remote_sender_id()
	var key := "%d/%d/%d" % [sender, mode, channel]
	if not streams.has(key):
		streams[key] = {"next": 0, "last": -1, "seen": {}, "count": 0}
	var stream: Dictionary = streams[key]
	stream.count += 1
	if text != expected_text(mode, channel, seq) or data != expected_data(seq):
		check(false, "packet %d of %s arrived intact" % [seq, key])
	match mode:
		MultiplayerPeer.TRANSFER_MODE_RELIABLE:
			if seq != stream.next:
				check(false, "reliable %s: packet %d arrived when %d was due" % [key, seq, stream.next])
			stream.next = seq + 1
		MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED:
			if seq <= stream.last:
				check(false, "unreliable_ordered %s: packet %d arrived after %d" % [key, seq, stream.last])
			stream.last = seq
		_:
			if stream.seen.has(seq):
				check(false, "unreliable %s: packet %d arrived twice" % [key, seq])
			stream.seen[seq] = true


## True once every reliable packet from each of `senders` has arrived.
func traffic_complete(senders: Array) -> bool:
	for sender in senders:
		for channel in CHANNELS:
			var stream: Dictionary = streams.get("%d/%d/%d" % [sender, MultiplayerPeer.TRANSFER_MODE_RELIABLE, channel], {})
			if stream.get("next", 0) < PER_STREAM:
				return false
	return true


## Checks what each of `senders` delivered in every mode and channel.
func check_traffic(senders: Array) -> void:
	for sender in senders:
		for mode in MODES:
			for channel in CHANNELS:
				var key := "%d/%d/%d" % [sender, mode, channel]
				var count: int = streams.get(key, {}).get("count", 0)
				if mode == MultiplayerPeer.TRANSFER_MODE_RELIABLE:
					check(count == PER_STREAM, "reliable %s: all %d packets, in order (got %d)" % [key, PER_STREAM, count])
				else:
					check(count >= 1 and count <= PER_STREAM, "%s: %d of %d packets, none twice or late" % [key, count, PER_STREAM])


@rpc("any_peer", "call_remote", "reliable")
func _arrive(phase: String) -> void:
	if not arrived.has(phase):
		arrived[phase] = []
	arrived[phase].append(multiplayer.get_remote_sender_id())


@rpc("authority", "call_remote", "reliable")
func _proceed(phase: String) -> void:
	proceeded[phase] = true


## Keeps processes in step: clients report at `phase`; the host waits for `clients` of them
## and then lets everyone go on.
func barrier(phase: String, clients: int) -> bool:
	if multiplayer.is_server():
		var all_there := await wait_until(func(): return arrived.get(phase, []).size() >= clients, 20.0, "%d clients at %s" % [clients, phase])
		_proceed.rpc(phase)
		return all_there
	_arrive.rpc_id(1, phase)
	return await wait_until(func(): return proceeded.has(phase), 20.0, "the host to start %s" % phase)
