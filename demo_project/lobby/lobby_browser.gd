class_name LobbyBrowser
extends VBoxContainer
## Creating a lobby, and the list of this demo's lobbies to join.

@onready var name_edit: LineEdit = %NameEdit
@onready var create_button: Button = %CreateButton
@onready var refresh_button: Button = %RefreshButton
@onready var lobby_list: ItemList = %LobbyList
@onready var join_button: Button = %JoinButton


func _ready() -> void:
	create_button.pressed.connect(_on_create_pressed)
	refresh_button.pressed.connect(refresh)
	join_button.pressed.connect(_join_selected)
	lobby_list.item_selected.connect(_on_item_selected)
	lobby_list.item_activated.connect(_on_item_activated)
	Lobby.list_received.connect(_show_lobbies)


## Proposes a lobby name, and asks for a fresh lobby list.
func open() -> void:
	if name_edit.text == "":
		name_edit.text = "%s's game" % Steam.getPersonaName()
	refresh()


func refresh() -> void:
	join_button.disabled = true
	Lobby.refresh_list()


## The list as shown: one line per lobby, its id in the item's metadata.
func listed_lobbies() -> PackedStringArray:
	var lines := PackedStringArray()
	for index in lobby_list.item_count:
		if lobby_list.get_item_metadata(index) != null:
			lines.append(lobby_list.get_item_text(index))
	return lines


func _on_create_pressed() -> void:
	var lobby_name := name_edit.text.strip_edges()
	Lobby.create(lobby_name if lobby_name != "" else "%s's game" % Steam.getPersonaName())


func _show_lobbies(lobbies: Array[Dictionary]) -> void:
	lobby_list.clear()
	join_button.disabled = true
	for lobby in lobbies:
		var index := lobby_list.add_item("%s   (%d/%d)" % [lobby.name, lobby.members, lobby.limit])
		lobby_list.set_item_metadata(index, lobby.id)
	if lobbies.is_empty():
		var index := lobby_list.add_item("No lobbies yet: create one, or refresh.")
		lobby_list.set_item_selectable(index, false)
		lobby_list.set_item_disabled(index, true)


func _on_item_selected(_index: int) -> void:
	join_button.disabled = false


func _on_item_activated(_index: int) -> void:
	_join_selected()


func _join_selected() -> void:
	var selected := lobby_list.get_selected_items()
	if selected.is_empty() or lobby_list.get_item_metadata(selected[0]) == null:
		return
	Lobby.join(lobby_list.get_item_metadata(selected[0]))
