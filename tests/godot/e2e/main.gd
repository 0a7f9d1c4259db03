extends SceneTree
## Runs one role of one end-to-end scenario:
## `godot --headless -s res://e2e/main.gd -- --scenario=NAME --role=ROLE [--key=value ...]`.
## The scenario node sits at /root/Scenario in every process, so its RPCs meet.


func _initialize() -> void:
	var args := {}
	for arg in OS.get_cmdline_user_args():
		var parts := arg.trim_prefix("--").split("=", true, 1)
		args[parts[0]] = parts[1] if parts.size() > 1 else ""
	var script: GDScript = load("res://e2e/%s.gd" % args.get("scenario", "missing"))
	if script == null:
		print("FAIL: no scenario %s" % args.get("scenario"))
		quit(1)
		return
	var scenario: Node = script.new()
	scenario.name = "Scenario"
	scenario.args = args
	root.add_child(scenario)
