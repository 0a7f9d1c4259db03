extends "res://e2e/rpc_scenario.gd"
## A host and two clients in a full mesh, as GodotSteam builds it: server_relay off, auto_mesh
## off, and each client adds the other with add_peer (their dials cross). Clients talk directly
## in every mode and channel. Then the host's process is killed, and the clients must notice.



func run_host() -> void:
	check(peer.create_host(0) == OK, "create_host")
	check(not peer.is_server_relay_supported(), "server_relay is off by default, as in GodotSteam")
	multiplayer.multiplayer_peer = peer
	print("READY")
	if not await wait_until(func(): return multiplayer.get_peers().size() == 2, 20.0, "both clients to connect"):
		return
	await barrier("mesh", 2)
	await barrier("add", 2)
	await barrier("traffic", 2)
	await send_traffic(0)
	await barrier("drop", 2)
	await barrier("end", 2)
	# The barrier's go leaves with the rest of what this frame sent, once its calls are done;
	# a process killed before then takes it along, as on Steam (which holds it for Nagle).
	await get_tree().process_frame
	# The runner kills this process when it reads the next line.
	print("KILL ME")
	await wait_until(func(): return false, 30.0, "being killed")


func run_client() -> void:
	var host := arg_int("host")
	var other_steam := arg_int("other")
	peer.auto_mesh = false
	check(peer.create_client(host, 0) == OK, "create_client")
	multiplayer.multiplayer_peer = peer
	if not await wait_until(func(): return events.has(["to_server"]), 10.0, "connected_to_server"):
		return
	check(not peer.is_server_relay_supported(), "the host does not relay")
	await barrier("mesh", 2)
	check(multiplayer.get_peers() == PackedInt32Array([1]), "with auto_mesh off, the other client does not connect by itself")
	await barrier("add", 2)
	check(peer.add_peer(other_steam) == OK, "add_peer the other client")
	check(peer.add_peer(other_steam) == OK, "add_peer again does nothing")
	if not await wait_until(func(): return multiplayer.get_peers().size() == 2, 10.0, "the other client to connect directly"):
		return
	var other := peer.get_peer_id_for_steam_id(other_steam)
	check(multiplayer.get_peers().has(other), "the other client's peer id is known (%d)" % other)
	check(events.count(["connected", other]) == 1, "peer_connected for the other client, once")
	check(peer.get_steam_id_for_peer_id(other) == other_steam, "its Steam id maps back")
	var packet_peer: SteamPacketPeer = peer.get_peer(other)
	check(packet_peer != null and packet_peer.get_steam_id() == other_steam, "get_peer for a mesh peer")
	check(packet_peer.get_state() == SteamPacketPeer.STATE_CONNECTED, "the mesh connection is STATE_CONNECTED")

	await barrier("traffic", 2)
	await send_traffic(other)
	await wait_until(func(): return traffic_complete([1, other]), 20.0, "every reliable packet from the host and, directly, the other client")
	check_traffic([1, other])

	# a drops b by force: a hears nothing of it, b hears that a left.
	await barrier("drop", 2)
	if args.role == "a":
		peer.disconnect_peer(other, true)
		check(peer.get_peer(other) == null, "the dropped peer is gone at once")
	else:
		await wait_until(func(): return events.has(["disconnected", other]), 10.0, "peer_disconnected when the other client drops us")
	await barrier("end", 2)
	if args.role == "a":
		check(not events.has(["disconnected", other]), "a forced disconnect emits no peer_disconnected")
	await wait_until(func(): return events.has(["server_gone"]), 10.0, "server_disconnected when the host's process dies")
	check(peer.get_connection_status() == MultiplayerPeer.CONNECTION_DISCONNECTED, "disconnected once the host is gone")
	check(packet_peer.get_state() == SteamPacketPeer.STATE_NONE, "the mesh connection closed with the session")
