extends SceneTree
## Runs in a game that has both this addon and another Steam integration; whichever loaded
## first owns the Steam singleton (`--expect-winner=ours|other` says which the runner arranged).
## The runner checks that the addon reported the conflict either way.


func _initialize() -> void:
	var failures := 0
	var expected := ""
	for arg in OS.get_cmdline_user_args():
		if arg.begins_with("--expect-winner="):
			expected = arg.trim_prefix("--expect-winner=")
	var winner := "other" if Steam.has_method("is_the_other_integration") else "ours"
	if winner != expected:
		failures += 1
		print("FAIL: expected %s to own the Steam singleton, %s does" % [expected, winner])
	var init: Dictionary = Steam.steamInitEx()
	# 0 is STEAM_API_INIT_RESULT_OK, spelled out because the other class lacks our constants.
	var answered := "other" if init.get("verbal") == "the other integration" else (
		"ours" if init.get("status") == 0 else "nobody")
	if answered == winner:
		print("CHECK ok: the Steam singleton (%s) answers" % winner)
	else:
		failures += 1
		print("FAIL: Steam.steamInitEx answered %s" % init)
	var peer := SteamMultiplayerPeer.new()
	if peer.create_host() == OK:
		print("CHECK ok: SteamMultiplayerPeer works, in local mode")
	else:
		failures += 1
		print("FAIL: SteamMultiplayerPeer.create_host failed")
	peer.close()
	quit(failures)
