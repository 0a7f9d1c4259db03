extends "res://e2e/scenario.gd"
## What the benchmark scenarios share (`bench_link.gd`, `bench_crowd.gd`): the same traffic
## runs over `SteamMultiplayerPeer` in local mode or, with `--peer=enet`, over Godot's
## `ENetMultiplayerPeer` on loopback UDP. `--quick=true` runs small counts (the short form in
## `cargo xtask test`). Figures go out as `BENCH <name>=<value>` lines, which `cargo xtask bench`
## collects; checks that everything which must arrive did are ordinary `check`s.


func is_quick() -> bool:
	return args.get("quick") == "true"


func is_enet() -> bool:
	return args.get("peer") == "enet"


func make_host_peer(clients: int) -> MultiplayerPeer:
	if is_enet():
		var enet := ENetMultiplayerPeer.new()
		check(enet.create_server(arg_int("enet-port"), clients) == OK, "ENet create_server")
		return enet
	var steam := new_peer()
	check(steam.create_host(0) == OK, "create_host")
	return steam


func make_client_peer() -> MultiplayerPeer:
	if is_enet():
		var enet := ENetMultiplayerPeer.new()
		check(enet.create_client("127.0.0.1", arg_int("enet-port")) == OK, "ENet create_client")
		return enet
	var steam := new_peer()
	check(steam.create_client(arg_int("host"), 0) == OK, "create_client")
	return steam


## Prints one figure for the runner.
func figure(name: String, value: float) -> void:
	print("BENCH %s=%s" % [name, value])


## The `fraction` quantile (0 to 1) of `values`, nearest rank.
func quantile(values: Array, fraction: float) -> float:
	var sorted := values.duplicate()
	sorted.sort()
	var rank := clampi(ceili(fraction * sorted.size()) - 1, 0, sorted.size() - 1)
	return float(sorted[rank])


## Milliseconds on the system clock, the same in every process of the machine.
func wall_ms() -> float:
	return Time.get_unix_time_from_system() * 1000.0


## CPU time this process has used, in ms (user and system, from /proc/self/stat, which
## counts ticks of 10 ms). -1 where there is no /proc.
func cpu_ms() -> float:
	# Read by line: /proc reports a size of 0, which get_file_as_string believes.
	var file := FileAccess.open("/proc/self/stat", FileAccess.READ)
	if file == null:
		return -1.0
	var stat := file.get_line()
	# Fields after the command name, which is in parentheses and may hold spaces.
	var fields := stat.substr(stat.rfind(")") + 2).split(" ")
	return (fields[11].to_float() + fields[12].to_float()) * 10.0
