extends "res://e2e/rpc_scenario.gd"
## A host and two clients (a, b) in a star: server_relay on, so Godot relays between clients.
## Traffic in every mode and channel, a 400 KiB payload, raw packets with their peer, channel
## and mode, wrong calls, a kick and a reconnect with the same peer, refused connections, and
## the host quitting.

const BIG_SIZE := 400 * 1024

var big_received: Array = []
var probe_outcome := {}
## Peers the refusing gate admitted, as its SceneMultiplayer reported them.
var gate_admitted: Array = []


func run_host() -> void:
	peer.server_relay = true
	check(peer.create_host(0) == OK, "create_host")
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED, "a host is connected at once")
	check(peer.get_unique_id() == 1 and peer.is_server_relay_supported(), "the host is peer 1 and relays")
	multiplayer.multiplayer_peer = peer
	print("READY")
	if not await wait_until(func(): return multiplayer.get_peers().size() == 2, 20.0, "both clients to connect"):
		return
	var a := peer.get_peer_id_for_steam_id(arg_int("a"))
	var b := peer.get_peer_id_for_steam_id(arg_int("b"))
	check(a >= 2 and b >= 2 and a != b, "clients got distinct ids (%d, %d)" % [a, b])
	check(peer.get_steam_id_for_peer_id(1) == arg_int("host"), "our own Steam id maps to peer 1")
	check(peer.get_peer_id_for_steam_id(12345) == 0 and peer.get_steam_id_for_peer_id(999) == 0, "unknown ids map to 0")

	await barrier("traffic", 2)
	await send_traffic(0)
	await wait_until(func(): return traffic_complete([a, b]), 20.0, "every reliable packet from both clients")
	check_traffic([a, b])
	if args.get("transport") == "legacy_p2p":
		check(peer.collect_debug_data().dropped.transport >= 1, "a's hostile packet was dropped and counted, and the game went on")

	await barrier("big", 2)
	big.rpc(make_big())
	await wait_until(func(): return big_received.size() == 1, 20.0, "the 400 KiB payload from a")

	await connection_quality(a)
	await raw_packets_as_host(a, b)
	await wrong_calls()
	# Local user 9 is not running: the attempt fails at once, with connection_failed.
	await probe(76561197960265728 + 9, 3, false)

	await barrier("kick", 2)
	var kicked: SteamPacketPeer = peer.get_peer(b)
	kicked.disconnect_peer(false)
	await wait_until(func(): return events.has(["disconnected", b]), 5.0, "peer_disconnected for the kicked client")
	check(not multiplayer.get_peers().has(b), "the kicked client is gone")
	check(kicked.get_connection_quality().is_empty(), "a gone peer has no connection quality")
	check(not Performance.has_custom_monitor("Steam peer %d/Ping (ms)" % b), "nor monitors")
	check(kicked.get_state() == SteamPacketPeer.STATE_NONE, "a gone peer's state is STATE_NONE")
	expect_error("no connected peer has id %d" % b)
	kicked.disconnect_peer(false)
	await wait_until(func(): return multiplayer.get_peers().size() == 2, 15.0, "the kicked client to come back")

	var gate := open_refusing_gate()
	await barrier("refuse", 2)
	await wait_until(func(): return probe_outcome.has("refused"), 15.0, "b to report the refused probe")
	check(gate_admitted.is_empty(), "the refusing peer admitted no one")
	gate.refuse_new_connections = false
	_probe_again.rpc_id(peer.get_peer_id_for_steam_id(arg_int("b")))
	await wait_until(func(): return probe_outcome.has("admitted"), 15.0, "b to report the admitted probe")
	check(gate_admitted.size() == 1, "once refuse_new_connections is off, the probe is admitted")

	await barrier("end", 2)
	print("QUITTING")


## What a game's network overlay reads: the link to `a` after traffic has flowed.
func connection_quality(a: int) -> void:
	var link: SteamPacketPeer = peer.get_peer(a)
	await wait_until(func(): return link.get_connection_quality().get("bytes_in_per_second", 0.0) > 0.0, 5.0, "a measured connection quality")
	var quality := link.get_connection_quality()
	check(Performance.has_custom_monitor("Steam peer %d/Ping (ms)" % a), "the debugger's Monitors tab has a's ping")
	check(Performance.get_custom_monitor("Steam/Peers") == 2, "and counts both clients")
	check(Performance.get_custom_monitor("Steam/Bytes in per second") > 0.0, "and the bytes coming in")
	for key in ["ping", "local_quality", "remote_quality", "packets_out_per_second", "bytes_out_per_second", "packets_in_per_second", "bytes_in_per_second", "send_rate", "pending_unreliable", "pending_reliable", "sent_unacknowledged_reliable", "queue_time", "relayed"]:
		check(quality.has(key), "connection quality has %s" % key)
	# Each side adds 5 to 10 ms of injected lag to what it receives.
	check(quality.ping >= 10 and quality.ping < 500, "a ping that includes the injected lag: %d ms" % quality.ping)
	if peer.transport == SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P:
		check(quality.local_quality == -1.0, "the legacy P2P API cannot tell its losses: quality -1")
	else:
		check(quality.local_quality > 0.5 and quality.local_quality <= 1.0, "a delivery quality near 98%%: %s" % quality.local_quality)
	check(quality.bytes_in_per_second > 0.0 and not quality.relayed, "traffic measured, and local mode is never relayed")
	await held_back_until_the_frame_ends(link)


## A reliable RPC sent without no_nagle waits for the end of the frame, as Steam's sends do,
## and leaves then: the peer queues one deferred flush per frame. A check deferred after the
## RPC runs after that flush, before the next frame polls anything.
func held_back_until_the_frame_ends(link: SteamPacketPeer) -> void:
	await get_tree().process_frame
	_held_back.rpc_id(link.get_peer_id())
	var pending: int = link.get_connection_quality().pending_reliable
	if peer.transport == SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P:
		check(pending == 0, "the legacy P2P API sends at once: %d bytes pending" % pending)
		return
	check(pending > 0, "a reliable RPC is held back until the frame ends: %d bytes pending" % pending)
	var at_frame_end := [-1]
	(func(): at_frame_end[0] = link.get_connection_quality().pending_reliable).call_deferred()
	await get_tree().process_frame
	check(at_frame_end[0] == 0, "and the frame's end sent it: %d bytes pending" % at_frame_end[0])


## Sent only to be held back; its receiver does nothing.
@rpc("authority", "call_remote", "reliable")
func _held_back() -> void:
	pass


func run_client() -> void:
	var host := arg_int("host")
	var init: Dictionary = Steam.steamInitEx()
	check(init.get("status") == Steam.STEAM_API_INIT_RESULT_OK and init.get("verbal") != "", "steamInitEx reports OK in local mode")
	check(Steam.steamInit() and Steam.get_steam_init_result().get("status") == 0, "steamInit is true")
	check(Steam.getSteamID() == arg_int("me"), "getSteamID is this local user's id")
	check(Steam.getPersonaName() == "Player %d" % (arg_int("me") - 76561197960265728), "getPersonaName is Player <n>")
	check(peer.create_client(host, 0) == OK, "create_client")
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTING, "connecting until the host admits us")
	multiplayer.multiplayer_peer = peer
	if not await wait_until(func(): return events.has(["to_server"]), 10.0, "connected_to_server"):
		return
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED, "connected")
	check(multiplayer.get_unique_id() >= 2 and multiplayer.get_unique_id() == peer.get_unique_id(), "our id is the host's choice")
	check(peer.get_steam_id_for_peer_id(1) == host, "peer 1 is the host's Steam id")
	check(peer.get_peer_id_for_steam_id(arg_int("me")) == peer.get_unique_id(), "our Steam id maps to our peer id")
	await wait_until(func(): return multiplayer.get_peers().size() == 2, 10.0, "Godot to tell us of the other client")
	var other := 0
	for id in multiplayer.get_peers():
		if id != 1:
			other = id

	if args.get("transport") == "legacy_p2p" and args.role == "a":
		# A hostile packet on the legacy transport's channel, ahead of the traffic.
		Steam.sendP2PPacket(arg_int("host"), PackedByteArray([0xFF, 0xEE, 1, 2]), Steam.P2P_SEND_RELIABLE, 1000)
	await barrier("traffic", 2)
	send_traffic(1)  # Both streams at once: not awaited.
	await send_traffic(other)
	await wait_until(func(): return traffic_complete([1, other]), 20.0, "every reliable packet from the host and the other client")
	check_traffic([1, other])

	await barrier("big", 2)
	if args.role == "a":
		big.rpc_id(1, make_big())
	await wait_until(func(): return big_received.size() == 1, 20.0, "the 400 KiB payload from the host")

	await raw_packets_as_client(host)

	await barrier("kick", 2)
	if args.role == "b":
		await wait_until(func(): return events.has(["server_gone"]), 5.0, "server_disconnected after the kick")
		check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED, "disconnected after the kick")
		check(peer.create_client(host, 0) == OK, "the same peer connects again after a kick")
		await wait_until(func(): return events.count(["to_server"]) == 2, 10.0, "connected_to_server again")
	else:
		await wait_until(func(): return events.count(["disconnected", other]) == 1, 5.0, "Godot to tell a that b left")
		await wait_until(func(): return multiplayer.get_peers().size() == 2, 15.0, "Godot to tell a that b is back")

	await barrier("refuse", 2)
	if args.role == "b":
		await probe(host, 2, false)
		_report_probe.rpc_id(1, "refused")
		await wait_until(func(): return probe_outcome.has("again"), 15.0, "the host to stop refusing")
		await probe(host, 2, true)
		_report_probe.rpc_id(1, "admitted")

	await barrier("end", 2)
	var before := 1 if args.role == "b" else 0  # b heard it once already, when it was kicked.
	await wait_until(func(): return events.count(["server_gone"]) == before + 1, 10.0, "server_disconnected when the host quits")
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED, "disconnected once the host is gone")


func make_big() -> PackedByteArray:
	var data := PackedByteArray()
	data.resize(BIG_SIZE)
	for i in BIG_SIZE:
		data[i] = (i * 31) % 256
	return data


@rpc("any_peer", "call_remote", "reliable", 2)
func big(data: PackedByteArray) -> void:
	check(data == make_big(), "the 400 KiB payload from %d arrived whole" % multiplayer.get_remote_sender_id())
	big_received.append(multiplayer.get_remote_sender_id())


## Raw packets on a second peer (virtual port 1) that no SceneMultiplayer reads: what
## get_packet_peer, get_packet_channel and get_packet_mode report, and SteamPacketPeer.
func raw_packets_as_host(a: int, b: int) -> void:
	var raw := new_peer()
	check(raw.create_host(1) == OK, "a second host peer on virtual port 1")
	var connected := []
	raw.peer_connected.connect(func(id): connected.append(id))
	await barrier("raw", 2)
	var expected := {arg_int("a"): true, arg_int("b"): true}
	var reliable := 0
	var deadline := Time.get_ticks_msec() + 20000
	while reliable < 2 * CHANNELS and Time.get_ticks_msec() < deadline:
		raw.poll()
		while raw.get_available_packet_count() > 0:
			var from := raw.get_packet_peer()
			var channel := raw.get_packet_channel()
			var mode := raw.get_packet_mode()
			var text := raw.get_packet().get_string_from_utf8()
			var steam := raw.get_steam_id_for_peer_id(from)
			var want := "raw %d %d %d" % [mode, channel, steam]
			if not (expected.has(steam) and text == want):
				check(false, "raw packet %s reports peer %d, channel %d, mode %d" % [text, from, channel, mode])
			if mode == MultiplayerPeer.TRANSFER_MODE_RELIABLE:
				reliable += 1
		await get_tree().process_frame
	check(reliable == 2 * CHANNELS, "every reliable raw packet, with its peer, channel and mode (%d)" % reliable)
	check(connected.size() == 2, "peer_connected for both raw clients")
	var first: SteamPacketPeer = raw.get_peer(connected[0])
	check(first != null and first.get_peer_id() == connected[0], "get_peer returns the packet peer")
	check(expected.has(first.get_steam_id()), "the packet peer's Steam id is a client's")
	check(first.get_state() == SteamPacketPeer.STATE_CONNECTED, "the packet peer is STATE_CONNECTED")
	check(raw.get_peer(424242) == null, "get_peer of an unknown id is null")
	check(SteamPacketPeer.STATE_LINGER == -2 and SteamPacketPeer.STATE_DEAD == -3, "PeerState keeps the SDK's negative values")
	if raw.transport == SteamMultiplayerPeer.TRANSPORT_LEGACY_P2P:
		# The legacy P2P API's unreliable packets hold 1189 bytes of payload.
		raw.transfer_mode = MultiplayerPeer.TRANSFER_MODE_UNRELIABLE
		var fits := PackedByteArray()
		fits.resize(1189)
		check(raw.put_packet(fits) == OK, "an unreliable 1189-byte packet on the legacy transport")
		fits.append(0)
		expect_error("exceeds the transport's maximum")
		check(raw.put_packet(fits) == ERR_INVALID_PARAMETER, "one byte more: ERR_INVALID_PARAMETER")
	raw.close()
	check(raw.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED and raw.get_unique_id() == 0, "close() leaves the peer disconnected")
	check(first.get_state() == SteamPacketPeer.STATE_NONE, "a closed peer's packet peer is STATE_NONE")
	check(raw.create_host(1) == OK, "a closed peer hosts again")
	raw.close()


func raw_packets_as_client(host: int) -> void:
	await barrier("raw", 2)
	var raw := new_peer()
	check(raw.create_client(host, 1) == OK, "a second client peer on virtual port 1")
	if not await wait_until(func(): raw.poll(); return raw.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED, 10.0, "the raw peer to connect"):
		return
	for mode in MODES:
		for channel in CHANNELS:
			raw.transfer_mode = mode
			raw.transfer_channel = channel
			raw.set_target_peer(1)
			check(raw.put_packet(("raw %d %d %d" % [mode, channel, arg_int("me")]).to_utf8_buffer()) == OK, "raw put_packet mode %d channel %d" % [mode, channel])
	# Reading what arrives, as a game does: the host's departure comes after its last packets.
	await wait_until(func(): return _drain(raw) == MultiplayerPeer.CONNECTION_DISCONNECTED, 20.0, "the raw host to close")


func _drain(raw: SteamMultiplayerPeer) -> MultiplayerPeer.ConnectionStatus:
	raw.poll()
	while raw.get_available_packet_count() > 0:
		raw.get_packet()
	return raw.get_connection_status()


## Every wrong call returns its error and pushes one message.
func wrong_calls() -> void:
	var idle := new_peer()
	expect_error("the peer is not active")
	check(idle.put_packet(PackedByteArray([1])) == ERR_UNCONFIGURED, "put_packet on an idle peer: ERR_UNCONFIGURED")
	expect_error("our own Steam id")
	check(idle.create_client(arg_int("host")) == ERR_INVALID_PARAMETER, "connecting to ourselves: ERR_INVALID_PARAMETER")
	expect_error("already active")
	check(peer.create_host(0) == ERR_ALREADY_IN_USE, "create_host twice: ERR_ALREADY_IN_USE")
	expect_error("invalid target peer 424242")
	peer.set_target_peer(424242)
	check(peer.put_packet(PackedByteArray([1])) == ERR_INVALID_PARAMETER, "an unknown target: ERR_INVALID_PARAMETER")
	peer.set_target_peer(0)
	expect_error("invalid transfer channel 99")
	peer.transfer_channel = 99
	check(peer.put_packet(PackedByteArray([1])) == ERR_INVALID_PARAMETER, "channel 99: ERR_INVALID_PARAMETER")
	peer.transfer_channel = 0
	expect_error("exceeds the maximum")
	var huge := PackedByteArray()
	huge.resize(600 * 1024)
	check(peer.put_packet(huge) == ERR_INVALID_PARAMETER, "a 600 KiB packet: ERR_INVALID_PARAMETER")
	expect_error("no connected peer has id 424242")
	peer.disconnect_peer(424242)


## On the host: a third peer, on virtual port 2, refusing connections, polled by its own
## SceneMultiplayer under /root/Gate.
func open_refusing_gate() -> SteamMultiplayerPeer:
	var node := Node.new()
	node.name = "Gate"
	get_tree().root.add_child(node)
	var api := SceneMultiplayer.new()
	get_tree().set_multiplayer(api, node.get_path())
	api.peer_connected.connect(func(id): gate_admitted.append(id))
	var gate := new_peer()
	check(gate.create_host(2) == OK, "a third host peer on virtual port 2")
	gate.refuse_new_connections = true
	check(gate.is_refusing_new_connections(), "refuse_new_connections is on")
	api.multiplayer_peer = gate
	return gate


## Connects a probe, with its own SceneMultiplayer, to `host` on `port`, and checks whether it
## is admitted or fails promptly with connection_failed.
func probe(host: int, port: int, admitted: bool) -> void:
	var node := Node.new()
	get_tree().root.add_child(node)
	var api := SceneMultiplayer.new()
	get_tree().set_multiplayer(api, node.get_path())
	var outcome := []
	api.connection_failed.connect(func(): outcome.append("failed"))
	api.connected_to_server.connect(func(): outcome.append("connected"))
	var probe_peer := new_peer()
	check(probe_peer.create_client(host, port) == OK, "the probe starts connecting")
	api.multiplayer_peer = probe_peer
	var started := Time.get_ticks_msec()
	await wait_until(func(): return not outcome.is_empty(), 10.0, "the probe's outcome")
	if admitted:
		check(outcome == ["connected"], "the probe is admitted")
	else:
		check(outcome == ["failed"], "the probe gets connection_failed")
		check(Time.get_ticks_msec() - started < 3000, "the refusal is prompt (%d ms)" % (Time.get_ticks_msec() - started))
	api.multiplayer_peer = null
	probe_peer.close()
	node.queue_free()


@rpc("any_peer", "call_remote", "reliable")
func _report_probe(outcome: String) -> void:
	probe_outcome[outcome] = true


@rpc("authority", "call_remote", "reliable")
func _probe_again() -> void:
	probe_outcome["again"] = true
