class_name NetworkOverlay
extends PanelContainer
## What Steam measures of the connection to each peer
## (`SteamPacketPeer.get_connection_quality()`): ping, the share of packets delivered whole
## and in order each way (local / remote quality), bytes per second each way, and the loss
## we see (1 - local quality).

const HEADINGS: PackedStringArray = ["player", "ping", "quality", "in B/s", "out B/s", "loss"]
const UNMEASURED := "…"

## The rows as shown, one per peer, each the texts of its cells.
var rows: Array[PackedStringArray] = []

@onready var grid: GridContainer = %Grid
@onready var update_timer: Timer = %UpdateTimer


func _ready() -> void:
	grid.columns = HEADINGS.size()
	update_timer.timeout.connect(refresh)
	refresh()


func refresh() -> void:
	rows.clear()
	var peer := multiplayer.multiplayer_peer as SteamMultiplayerPeer
	if peer != null:
		for peer_id in multiplayer.get_peers():
			var connection := peer.get_peer(peer_id)
			var quality := connection.get_connection_quality() if connection != null else {}
			if not quality.is_empty():
				rows.append(_row(peer_id, quality))
	for cell in grid.get_children():
		cell.queue_free()
	for text in HEADINGS:
		_add_cell(text, Color(0.7, 0.7, 0.7))
	for row in rows:
		for text in row:
			_add_cell(text, Color.WHITE)


func _row(peer_id: int, quality: Dictionary) -> PackedStringArray:
	var ping: int = quality.ping
	var local: float = quality.local_quality
	var remote: float = quality.remote_quality
	return PackedStringArray([
		Lobby.name_of_peer(peer_id),
		"%d ms" % ping if ping >= 0 else UNMEASURED,
		"%s / %s" % [_percent(local), _percent(remote)],
		"%d" % quality.bytes_in_per_second,
		"%d" % quality.bytes_out_per_second,
		"%.1f%%" % ((1.0 - local) * 100.0) if local >= 0.0 else UNMEASURED,
	])


func _percent(fraction: float) -> String:
	return "%.0f%%" % (fraction * 100.0) if fraction >= 0.0 else UNMEASURED


func _add_cell(text: String, color: Color) -> void:
	var cell := Label.new()
	cell.text = text
	cell.add_theme_color_override("font_color", color)
	cell.add_theme_font_size_override("font_size", 11)
	grid.add_child(cell)
