"""The inbox routes of the fake Graph API: comment replies, hiding, Messenger.

    with FakeMetaInbox() as graph:
        page = graph.add_page("Gemeente Zonnedal", instagram="zonnedal")
        graph.user_wrote(page.page_id, "psid-1", age_seconds=3600)   # opens the 24 h window
        graph.drop_next(1, f"/v23.0/{comment_id}/comments")          # reply made, answer lost

As Meta documents them:

* ``POST /{comment-id}/comments`` (Facebook, ``message``) and ``POST /{ig-comment-id}/replies``
  (Instagram, ``message``) answer ``{"id"}``; ``GET`` on the same edges pages the replies
  newest first (``message``/``created_time`` on Facebook, ``text``/``timestamp`` on Instagram).
* ``POST /{comment-id}`` with ``is_hidden`` (Facebook, ``pages_manage_engagement``) or
  ``hide`` (Instagram, ``instagram_manage_comments``) hides it; ``GET /{comment-id}`` reads
  ``is_hidden`` / ``hidden``; ``DELETE /{comment-id}`` deletes it, and afterwards (or after
  :meth:`FakeMetaInbox.remove_comment`) reading or deleting it is error 100/33.
* ``POST /{page-id}/messages`` (Send API): ``recipient``, ``messaging_type``, ``message``
  (JSON); outside the 24-hour window since the person's last message the answer is error 10,
  subcode 2018278 ("sent outside of allowed window"); an unknown person is error 100/2018001.
* ``GET /{page-id}/conversations?user_id=`` lists the conversation with its ``messages``;
  without ``user_id`` (``platform=messenger`` required) it pages the Page's conversations
  newest first (``participants``, ``updated_time``, ``messages`` newest first with ``id``,
  ``message``, ``from`` and ``created_time``), cursor paging with ``limit``/``after``.
  :meth:`FakeMetaInbox.person_wrote` adds a person's Messenger message (what the webhook
  announces); :meth:`FakeMetaInbox.ratelimit_later_pages` answers the next reads of a later
  page 429 (the poll is cut off halfway).
* Instagram direct messages (Instagram Messaging, Page token): ``POST /{ig-user-id}/messages``
  (``recipient`` = the person's IGSID, ``message``) needs ``instagram_manage_messages``;
  outside the window the answer is error 10, subcode 2534022. ``GET
  /{ig-user-id}/conversations?platform=instagram`` (optionally ``user_id``) lists the
  conversations, newest first, each with its ``messages`` (``id``, ``created_time``,
  ``from``/``to`` with ``username``, ``message``) newest first; ``platform`` is required.
  :meth:`FakeMetaInbox.ig_user_wrote` adds a person's message (what the webhook announces).
* WhatsApp Cloud API: ``GET /{phone-number-id}?fields=display_phone_number,verified_name,
  quality_rating`` and ``GET /{waba-id}/phone_numbers`` with the number's system-user token
  (another token: error 100/33, an unknown token: 190).
"""

from __future__ import annotations

import json
import time
from typing import Any

from koers.networks.testing.meta import FakeGraph, _stamp
from koers.networks.testing.server import Request, Response

WINDOW_SECONDS = 24 * 3600


class FakeMetaInbox(FakeGraph):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: comment id → its replies ({"id", "message"|"text", "created"}).
        self.replies: dict[str, list[dict[str, Any]]] = {}
        #: comment ids hidden.
        self.hidden: set[str] = set()
        #: comment ids deleted (reading or deleting them again is error 100/33).
        self.deleted_comments: set[str] = set()
        #: (page id, person id) → when the person last wrote (epoch seconds).
        self.last_user_message: dict[tuple[str, str], float] = {}
        #: (page id, person id) → messages in the conversation.
        self.messages: dict[tuple[str, str], list[dict[str, Any]]] = {}
        #: WhatsApp business phone number ids; messages sent from them.
        self.wa_numbers: set[str] = set()
        self.wa_sent: list[dict[str, Any]] = []
        #: WhatsApp Business Account id → its phone number id; each number's details.
        self.wa_accounts: dict[str, str] = {}
        self.wa_details: dict[str, dict[str, Any]] = {}
        #: (ig user id, person IGSID) → the conversation's messages, both directions.
        self.ig_conversations: dict[tuple[str, str], list[dict[str, Any]]] = {}
        #: comment id → a comment elsewhere that @mentions an Instagram account.
        self.mentioned_comments: dict[str, dict[str, Any]] = {}
        #: How many reads of a later page (``after``) of conversations answer 429.
        self.later_pages_limited = 0

    def user_wrote(self, page_id: str, person: str, *, age_seconds: float = 0.0) -> None:
        self.last_user_message[(page_id, person)] = time.time() - age_seconds

    def sent_messages(self) -> list[dict[str, Any]]:
        """The Page's own Messenger messages."""
        return [m for msgs in self.messages.values() for m in msgs if "from" not in m]

    def person_wrote(
        self, page_id: str, person: str, text: str, *, name: str = "", age_seconds: float = 0
    ) -> str:
        """A person's Messenger message to the Page; returns its message id (the ``mid`` the
        webhook carries too). Opens the 24-hour window like :meth:`user_wrote`."""
        moment = time.time() - age_seconds
        mid = f"m_{self._new_id()}"
        self.messages.setdefault((page_id, person), []).append(
            {"id": mid, "message": text, "from": {"id": person, "name": name}, "created": moment}
        )
        self.last_user_message[(page_id, person)] = max(
            moment, self.last_user_message.get((page_id, person), 0.0)
        )
        return mid

    def ratelimit_later_pages(self, count: int = 1) -> None:
        """The next ``count`` reads of a later page of a conversation list answer 429."""
        self.later_pages_limited = count

    def ig_user_wrote(
        self, ig_user_id: str, person: str, text: str, *, username: str = "", age_seconds: float = 0
    ) -> str:
        """A person's direct message to the Instagram account; returns its message id (the
        ``mid`` the webhook carries too)."""
        moment = time.time() - age_seconds
        mid = f"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj{self._new_id()}"
        self.ig_conversations.setdefault((ig_user_id, person), []).append(
            {
                "id": mid,
                "message": text,
                "from": {"id": person, "username": username or person},
                "to": {"id": ig_user_id},
                "created": moment,
            }
        )
        self.last_user_message[(ig_user_id, person)] = max(
            moment, self.last_user_message.get((ig_user_id, person), 0.0)
        )
        return mid

    def ig_sent(self, ig_user_id: str) -> list[dict[str, Any]]:
        """The account's own direct messages, oldest first."""
        return [
            m
            for (account, _person), messages in self.ig_conversations.items()
            if account == ig_user_id
            for m in messages
            if m["from"]["id"] == ig_user_id
        ]

    def add_whatsapp_number(
        self, *, verified_name: str = "Gemeente Zonnedal", display: str = "+31 20 123 4567"
    ) -> tuple[str, str]:
        """A business phone number id (in its own WhatsApp Business Account, see
        :attr:`wa_accounts`) and a system-user token for it."""
        number = self._new_id()
        self.wa_numbers.add(number)
        self.wa_accounts[self._new_id()] = number
        self.wa_details[number] = {
            "id": number,
            "display_phone_number": display,
            "verified_name": verified_name,
            "quality_rating": "GREEN",
        }
        return number, self.new_token("system", number)

    def waba_of(self, number: str) -> str:
        return next(waba for waba, owned in self.wa_accounts.items() if owned == number)

    def add_comment(
        self, parent: str, text: str, *, sender: str, name: str = "", instagram: bool = False
    ) -> str:
        """A comment by someone else under ``parent`` (a post, a media or a comment)."""
        comment_id = self._new_id() if instagram else f"{parent}_{self._new_id()}"
        comment: dict[str, Any] = {"id": comment_id, "created": time.time(), "from": {"id": sender}}
        if instagram:
            comment.update(text=text, username=name or sender)
        else:
            comment.update(message=text)
            comment["from"]["name"] = name or sender
        self.replies.setdefault(parent, []).append(comment)
        return comment_id

    def remove_comment(self, comment_id: str) -> None:
        """The person (or someone on Meta) deleted the comment."""
        for replies in self.replies.values():
            replies[:] = [r for r in replies if r["id"] != comment_id]
        self.deleted_comments.add(comment_id)

    def _find_comment(self, comment_id: str) -> dict[str, Any] | None:
        return next(
            (r for replies in self.replies.values() for r in replies if r["id"] == comment_id),
            None,
        )

    def _gone(self, node: str) -> Response:
        return self._error(
            f"(#100) Object with ID '{node}' does not exist, cannot be loaded due to missing "
            "permissions, or does not support this operation",
            100,
            33,
            kind="GraphMethodException",
        )

    def _comment_node(
        self, request: Request, params: dict[str, str], comment: dict[str, Any]
    ) -> Response:
        """``GET /{comment-id}`` (``is_hidden`` on Facebook, ``hidden`` on Instagram) and
        ``DELETE /{comment-id}``."""
        scope = None
        if request.method == "DELETE":
            facebook = "message" in comment
            scope = "pages_manage_engagement" if facebook else "instagram_manage_comments"
        auth = self._auth(params, scope)
        if isinstance(auth, Response):
            return auth
        if request.method == "DELETE":
            self.remove_comment(comment["id"])
            return self._ok({"success": True})
        hidden = comment["id"] in self.hidden
        body = {"id": comment["id"], "is_hidden" if "message" in comment else "hidden": hidden}
        return self._ok(body)

    def add_mentioned_comment(self, text: str, username: str) -> str:
        comment_id = self._new_id()
        self.mentioned_comments[comment_id] = {
            "id": comment_id,
            "text": text,
            "username": username,
            "timestamp": _stamp(time.time()),
        }
        return comment_id

    def extra_route(self, request: Request, rest: str) -> Response | None:
        parts = [p for p in rest.split("/") if p]
        params = self._params(request)
        fields = params.get("fields", "")
        if len(parts) == 1 and request.method == "GET" and fields.startswith("mentioned_comment"):
            auth = self._auth(params, "instagram_manage_comments")
            if isinstance(auth, Response):
                return auth
            wanted = fields.partition("comment_id(")[2].partition(")")[0]
            found = self.mentioned_comments.get(wanted)
            if found is None or self._ig_account(parts[0]) is None:
                return self._error(f"(#100) Object with ID '{wanted}' does not exist", 100, 33)
            return self._ok({"mentioned_comment": found, "id": parts[0]})
        if len(parts) == 2 and parts[1] in ("comments", "replies"):
            if parts[0] in self.pages:
                return None  # a Page's own edges are the base fake's
            auth = self._auth(params, None)
            if isinstance(auth, Response):
                return auth
            replies = self.replies.setdefault(parts[0], [])
            ig_owner = next(
                (o for o, media in self.ig_media.items() for m in media if m["id"] == parts[0]),
                "",
            )
            text_key = "message" if parts[1] == "comments" and not ig_owner else "text"
            if request.method == "GET":
                return self._paged(request, replies)
            if not params.get("message"):
                return self._error("(#100) The parameter message is required", 100)
            reply = {"id": self._new_id(), text_key: params["message"], "created": time.time()}
            # Written with a Page token: by the Page, or under a media by its Instagram account.
            if ig_owner:
                reply["from"] = {"id": ig_owner}
            elif auth.kind == "page":
                reply["from"] = {"id": auth.owner}
            replies.append(reply)
            # The base fake's record of comments (first comments) stays complete.
            self.comments.append(
                {"id": reply["id"], "parent": parts[0], "message": reply[text_key]}
            )
            return self._ok({"id": reply["id"]})
        if len(parts) == 1 and parts[0] in self.deleted_comments:
            return self._gone(parts[0])
        if len(parts) == 1 and request.method in ("GET", "DELETE"):
            found = self._find_comment(parts[0])
            if found is not None:
                return self._comment_node(request, params, found)
        if (
            len(parts) == 1
            and request.method == "POST"
            and ("is_hidden" in params or "hide" in params)
        ):
            scope = (
                "pages_manage_engagement" if "is_hidden" in params else "instagram_manage_comments"
            )
            auth = self._auth(params, scope)
            if isinstance(auth, Response):
                return auth
            if (params.get("is_hidden") or params.get("hide")) == "true":
                self.hidden.add(parts[0])
            else:
                self.hidden.discard(parts[0])
            return self._ok({"success": True})
        if len(parts) == 1 and request.method == "GET" and parts[0] in self.wa_numbers:
            return self._whatsapp_node(params, parts[0], parts[0])
        if len(parts) == 2 and parts[0] in self.wa_accounts and parts[1] == "phone_numbers":
            number = self.wa_accounts[parts[0]]
            return self._whatsapp_node(params, number, parts[0])
        if len(parts) == 2 and parts[0] in self.wa_numbers and parts[1] == "messages":
            return self._whatsapp_send(params, parts[0])
        if len(parts) == 2 and self._ig_account(parts[0]) and parts[1] == "messages":
            return self._ig_send(params, parts[0])
        if len(parts) == 2 and self._ig_account(parts[0]) and parts[1] == "conversations":
            return self._ig_conversations(params, parts[0])
        if len(parts) == 2 and parts[0] in self.pages and parts[1] == "messages":
            return self._send(params, parts[0])
        if len(parts) == 2 and parts[0] in self.pages and parts[1] == "conversations":
            return self._conversations(request, params, parts[0])
        return super().extra_route(request, rest)

    def _conversations(self, request: Request, params: dict[str, str], page_id: str) -> Response:
        auth = self._auth(params, None)
        if isinstance(auth, Response):
            return auth
        person = params.get("user_id", "")
        if not person and params.get("platform") != "messenger":
            return self._error("(#100) The parameter platform is required", 100)
        if params.get("after") and self.later_pages_limited > 0:
            self.later_pages_limited -= 1
            return self._error(
                "(#4) Application request limit reached",
                4,
                status=429,
                headers=self.ratelimit_headers(60),
            )
        found = [
            (who, messages)
            for (page, who), messages in self.messages.items()
            if page == page_id and messages and (not person or who == person)
        ]
        found.sort(key=lambda c: -max(m["created"] for m in c[1]))
        entries = [
            {
                "id": f"t_{who}",
                "updated_time": _stamp(max(m["created"] for m in messages)),
                "participants": {"data": [{"id": who}, {"id": page_id}]},
                "messages": {
                    "data": [
                        {
                            "id": m["id"],
                            "message": m["message"],
                            "from": m.get("from") or {"id": page_id},
                            "created_time": _stamp(m["created"]),
                        }
                        for m in sorted(messages, key=lambda m: -m["created"])[:20]
                    ]
                },
            }
            for who, messages in found
        ]
        return self._paged_plain(request, entries)

    def _send_request(
        self, params: dict[str, str], account: str, scope: str, window_subcode: int
    ) -> tuple[str, str] | Response:
        """The Send API's checks, Messenger's and Instagram's alike: the token and its scope,
        the ``recipient``/``message`` JSON, a person who wrote to ``account`` within the
        24-hour window (else Meta's refusal with the network's own subcode). Returns
        (recipient, text) or the refusal."""
        auth = self._auth(params, scope)
        if isinstance(auth, Response):
            return auth
        try:
            person = str(json.loads(params.get("recipient", "{}")).get("id") or "")
            text = str(json.loads(params.get("message", "{}")).get("text") or "")
        except ValueError:
            return self._error("(#100) Invalid parameter", 100)
        last = self.last_user_message.get((account, person))
        if last is None:
            return self._error("(#100) No matching user found", 100, 2018001)
        if time.time() - last > WINDOW_SECONDS:
            return self._error(
                "(#10) This message is sent outside of allowed window.",
                10,
                window_subcode,
                status=400,
            )
        return person, text

    def _send(self, params: dict[str, str], page_id: str) -> Response:
        checked = self._send_request(params, page_id, "pages_messaging", 2018278)
        if isinstance(checked, Response):
            return checked
        person, text = checked
        message = {"id": f"m_{self._new_id()}", "message": text, "created": time.time()}
        self.messages.setdefault((page_id, person), []).append(message)
        return self._ok({"recipient_id": person, "message_id": message["id"]})

    def _ig_send(self, params: dict[str, str], ig_user_id: str) -> Response:
        checked = self._send_request(params, ig_user_id, "instagram_manage_messages", 2534022)
        if isinstance(checked, Response):
            return checked
        person, text = checked
        if not text:
            return self._error("(#100) Message text is required", 100)
        account = self._ig_account(ig_user_id)
        message = {
            "id": f"aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj{self._new_id()}",
            "message": text,
            "from": {"id": ig_user_id, "username": account.instagram_username if account else ""},
            "to": {"id": person},
            "created": time.time(),
        }
        self.ig_conversations.setdefault((ig_user_id, person), []).append(message)
        return self._ok({"recipient_id": person, "message_id": message["id"]})

    def _ig_conversations(self, params: dict[str, str], ig_user_id: str) -> Response:
        auth = self._auth(params, "instagram_manage_messages")
        if isinstance(auth, Response):
            return auth
        if params.get("platform") != "instagram":
            return self._error("(#100) The parameter platform is required", 100)
        wanted = params.get("user_id", "")
        found = [
            (person, messages)
            for (account, person), messages in self.ig_conversations.items()
            if account == ig_user_id and (not wanted or person == wanted)
        ]
        found.sort(key=lambda c: -max(m["created"] for m in c[1]))
        limit = min(int(params.get("limit") or 25), 100)
        data = [
            {
                "id": f"aWdfZAG1fconversation{person}",
                "updated_time": _stamp(max(m["created"] for m in messages)),
                "messages": {
                    "data": [
                        {
                            "id": m["id"],
                            "created_time": _stamp(m["created"]),
                            "from": m["from"],
                            "to": {"data": [m["to"]]},
                            "message": m["message"],
                        }
                        for m in sorted(messages, key=lambda m: -m["created"])[:20]
                    ]
                },
            }
            for person, messages in found[:limit]
        ]
        return self._ok({"data": data})

    def _whatsapp_node(self, params: dict[str, str], number: str, node: str) -> Response:
        """``GET /{phone-number-id}`` (its details: only with the number's own system-user
        token) and ``GET /{waba-id}/phone_numbers`` (any system-user token of the business)."""
        auth = self._auth(params, None)
        if isinstance(auth, Response):
            return auth
        if auth.kind != "system" or (node == number and auth.owner != number):
            return self._gone(node)
        if node == number:
            return self._ok(dict(self.wa_details[number]))
        return self._ok({"data": [dict(self.wa_details[number])]})

    def _whatsapp_send(self, params: dict[str, str], number: str) -> Response:
        """Cloud API: outside the customer-service window a free-form message is error
        131047 (re-engagement message)."""
        auth = self._auth(params, None)
        if isinstance(auth, Response):
            return auth
        if params.get("messaging_product") != "whatsapp" or not params.get("to"):
            return self._error("(#100) Invalid parameter", 100)
        last = self.last_user_message.get((number, params["to"]))
        if last is None or time.time() - last > WINDOW_SECONDS:
            return self._error(
                "(#131047) Re-engagement message: more than 24 hours have passed since the "
                "recipient last replied to the sender number.",
                131047,
            )
        body = json.loads(params.get("text", "{}")).get("body", "")
        wamid = f"wamid.{self._new_id()}"
        self.wa_sent.append({"id": wamid, "to": params["to"], "body": body})
        return self._ok(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": params["to"], "wa_id": params["to"]}],
                "messages": [{"id": wamid}],
            }
        )
