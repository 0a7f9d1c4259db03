extends "res://e2e/bench_common.gd"
## One link, host and one client ("c1"), three kinds of traffic in turn:
## - ping-pong: the client calls a reliable RPC on the host, which answers by RPC; the client
##   sends the next ping from the answer's handler, one at a time (round trip p50 and p99);
## - unreliable: the client puts 64-byte unreliable packets (`send_bytes`) as fast as it can
##   for a while; the host counts what it received, and over what time (received/s, % lost);
## - bulk: the client sends 256 KiB reliable packets, a few in flight, each acknowledged by
##   the host (MB/s).

const PAYLOAD := 64
const BULK_SIZE := 256 * 1024
const BULK_IN_FLIGHT := 4
## Unreliable packets put between two looks at the clock.
const PUT_BATCH := 32

var connected := false
# Ping-pong, on the client.
var rtts: Array = []
## Round trips in this process's frames: 1 means the pong was read at the first poll after
## the ping was put.
var rtt_frames: Array = []
var pong_seen := 0
var ping_sent_at := 0
var ping_sent_frame := 0
# Unreliable, on the host.
var unreliable_received := 0
var unreliable_first_us := 0
var unreliable_last_us := 0
var unreliable_sent := -1
# Bulk.
var bulk_received := 0
var bulk_bad := 0
var bulk_acked := 0
var bulk_sent := 0
var phase_done := false


func pings() -> int:
	return 20 if is_quick() else 1000


func warmup_pings() -> int:
	return 5 if is_quick() else 20


func unreliable_seconds() -> float:
	return 0.3 if is_quick() else 2.0


func bulk_count() -> int:
	return 4 if is_quick() else 48


func run() -> void:
	multiplayer.peer_packet.connect(_on_packet)
	if args.role == "host":
		multiplayer.peer_connected.connect(func(_id): connected = true)
		multiplayer.multiplayer_peer = make_host_peer(1)
		print("READY")
		if not await wait_until(func(): return connected, 20.0, "the client to connect"):
			return
		await wait_until(func(): return phase_done, 120.0, "the client to finish")
		return
	multiplayer.connected_to_server.connect(func(): connected = true)
	multiplayer.multiplayer_peer = make_client_peer()
	if not await wait_until(func(): return connected, 20.0, "connected_to_server"):
		return
	await ping_pong()
	await unreliable_flood()
	await bulk()
	_finished.rpc_id(1)
	# Let the host read the last call before this peer goes.
	await get_tree().create_timer(0.2).timeout


# --- Ping-pong. ------------------------------------------------------------------------------

func ping_pong() -> void:
	_send_ping()
	var total := pings() + warmup_pings()
	if not await wait_until(func(): return pong_seen == total, 60.0, "all %d pongs" % total):
		return
	check(rtts.size() == pings(), "every ping answered, in order")
	figure("rtt_p50_ms", quantile(rtts, 0.5) / 1000.0)
	figure("rtt_p99_ms", quantile(rtts, 0.99) / 1000.0)
	figure("rtt_p50_frames", quantile(rtt_frames, 0.5))
	figure("rtt_p99_frames", quantile(rtt_frames, 0.99))


func _send_ping() -> void:
	ping_sent_at = Time.get_ticks_usec()
	ping_sent_frame = Engine.get_process_frames()
	_ping.rpc_id(1, pong_seen)


@rpc("any_peer", "call_remote", "reliable")
func _ping(sequence: int) -> void:
	_pong.rpc_id(multiplayer.get_remote_sender_id(), sequence)


@rpc("authority", "call_remote", "reliable")
func _pong(sequence: int) -> void:
	if sequence != pong_seen:
		check(false, "pong %d came when %d was due" % [sequence, pong_seen])
	pong_seen += 1
	if pong_seen > warmup_pings():
		rtts.append(Time.get_ticks_usec() - ping_sent_at)
		rtt_frames.append(Engine.get_process_frames() - ping_sent_frame)
	if pong_seen < pings() + warmup_pings():
		# From the handler, as a game answers: no frame waits in between on our side.
		_send_ping()


# --- Unreliable flood. -----------------------------------------------------------------------

func unreliable_flood() -> void:
	var payload := PackedByteArray()
	payload.resize(PAYLOAD)
	var sent := 0
	var end := Time.get_ticks_usec() + int(unreliable_seconds() * 1e6)
	while Time.get_ticks_usec() < end:
		# Put for most of a frame, then let the frame end so that both sides poll.
		var frame_end := mini(end, Time.get_ticks_usec() + 6000)
		while Time.get_ticks_usec() < frame_end:
			for i in PUT_BATCH:
				multiplayer.send_bytes(payload, 1, MultiplayerPeer.TRANSFER_MODE_UNRELIABLE)
			sent += PUT_BATCH
		await get_tree().process_frame
	_unreliable_done.rpc_id(1, sent)
	if await wait_until(func(): return phase_done, 30.0, "the host to count the unreliable packets"):
		phase_done = false


@rpc("any_peer", "call_remote", "reliable")
func _unreliable_done(sent: int) -> void:
	# Unreliable packets may still be on the way (ENet sends them on another channel than this call).
	await get_tree().create_timer(0.25).timeout
	check(unreliable_received > 0, "the host received unreliable packets (%d of %d)" % [unreliable_received, sent])
	check(unreliable_received <= sent, "no unreliable packet arrived twice")
	var seconds := maxf(unreliable_last_us - unreliable_first_us, 1) / 1e6
	figure("unreliable_sent_per_s", sent / unreliable_seconds())
	figure("unreliable_received_per_s", unreliable_received / seconds)
	figure("unreliable_lost_pct", 100.0 * (sent - unreliable_received) / maxf(sent, 1))
	_phase_counted.rpc_id(multiplayer.get_remote_sender_id())


@rpc("authority", "call_remote", "reliable")
func _phase_counted() -> void:
	phase_done = true


# --- Bulk. -----------------------------------------------------------------------------------

func bulk() -> void:
	var started := Time.get_ticks_usec()
	for i in BULK_IN_FLIGHT:
		_send_bulk()
	if not await wait_until(func(): return bulk_acked == bulk_count(), 60.0, "all %d bulk packets acknowledged" % bulk_count()):
		return
	var seconds := (Time.get_ticks_usec() - started) / 1e6
	figure("bulk_mb_per_s", bulk_count() * BULK_SIZE / 1e6 / seconds)


func _send_bulk() -> void:
	if bulk_sent == bulk_count():
		return
	var data := PackedByteArray()
	data.resize(BULK_SIZE)
	data.fill(bulk_sent % 251)
	multiplayer.send_bytes(data, 1, MultiplayerPeer.TRANSFER_MODE_RELIABLE)
	bulk_sent += 1


@rpc("authority", "call_remote", "reliable")
func _bulk_ack() -> void:
	bulk_acked += 1
	_send_bulk()


func _on_packet(from: int, packet: PackedByteArray) -> void:
	if packet.size() == PAYLOAD:
		var now := Time.get_ticks_usec()
		if unreliable_received == 0:
			unreliable_first_us = now
		unreliable_last_us = now
		unreliable_received += 1
	elif packet.size() == BULK_SIZE:
		# Reliable and ordered: packet n is filled with n % 251.
		if packet[0] != bulk_received % 251 or packet[BULK_SIZE - 1] != bulk_received % 251:
			bulk_bad += 1
		bulk_received += 1
		_bulk_ack.rpc_id(from)
	else:
		check(false, "a packet of %d bytes" % packet.size())


@rpc("any_peer", "call_remote", "reliable")
func _finished() -> void:
	check(bulk_received == bulk_count() and bulk_bad == 0, "every bulk packet arrived whole and in order (%d, %d bad)" % [bulk_received, bulk_bad])
	phase_done = true
