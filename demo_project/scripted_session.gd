extends SceneTree
## A scripted session between a host and a client, printing what each sees:
## `godot --headless -s res://scripted_session.gd -- --role=host` in one instance (STEAM_LOCAL_USER=1),
## `... -- --role=client --host=<host's Steam id>` in another (STEAM_LOCAL_USER=2).


func _initialize() -> void:
	var args := {}
	for arg in OS.get_cmdline_user_args():
		var parts := arg.trim_prefix("--").split("=", true, 1)
		args[parts[0]] = parts[1] if parts.size() > 1 else ""
	var session: Node = preload("res://session.gd").new()
	session.name = "Session"
	session.role = args.get("role", "host")
	session.host_steam_id = String(args.get("host", "0")).to_int()
	root.add_child(session)
