class_name LobbyRoom
extends HBoxContainer
## Inside a lobby: its members (the owner marked, who is ready, who is still connecting to
## the game), the lobby chat, and Ready / Start / Leave.

signal start_requested

const OWNER_MARK := "★"

@onready var title_label: Label = %TitleLabel
@onready var member_list: ItemList = %MemberList
@onready var ready_button: CheckButton = %ReadyButton
@onready var start_button: Button = %StartButton
@onready var leave_button: Button = %LeaveButton
@onready var chat_log: RichTextLabel = %ChatLog
@onready var chat_edit: LineEdit = %ChatEdit
@onready var send_button: Button = %SendButton


func _ready() -> void:
	Lobby.entered.connect(_on_entered)
	Lobby.members_changed.connect(_show_members)
	Lobby.chat_received.connect(_on_chat_received)
	Lobby.notice.connect(_on_notice)
	ready_button.toggled.connect(Lobby.set_ready)
	start_button.pressed.connect(start_requested.emit)
	leave_button.pressed.connect(Lobby.leave)
	send_button.pressed.connect(_send_chat)
	chat_edit.text_submitted.connect(_on_chat_submitted)


## The member list as shown, one line per member.
func listed_members() -> PackedStringArray:
	var lines := PackedStringArray()
	for index in member_list.item_count:
		lines.append(member_list.get_item_text(index))
	return lines


func _on_entered() -> void:
	title_label.text = Lobby.lobby_name()
	chat_log.clear()
	ready_button.set_pressed_no_signal(false)
	_show_members()


func _show_members() -> void:
	if Lobby.lobby_id == 0:
		return
	member_list.clear()
	for member in Lobby.members():
		var line: String = ("%s " % OWNER_MARK if member.owner else "") + member.name
		if member.ready:
			line += "  · ready"
		if not member.connected:
			line += "  · connecting…"
		member_list.set_item_selectable(member_list.add_item(line), false)
	start_button.visible = Lobby.is_owner()
	start_button.disabled = not Lobby.can_start()


func _on_chat_received(sender: String, text: String) -> void:
	chat_log.push_bold()
	chat_log.add_text(sender)
	chat_log.pop()
	chat_log.add_text(": %s\n" % text)


func _on_notice(text: String) -> void:
	chat_log.push_italics()
	chat_log.add_text("%s\n" % text)
	chat_log.pop()


func _on_chat_submitted(_text: String) -> void:
	_send_chat()


func _send_chat() -> void:
	var text := chat_edit.text.strip_edges()
	if text != "":
		Lobby.send_chat(text)
	chat_edit.clear()
