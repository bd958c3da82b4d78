from dataclasses import dataclass

from directory.models import ApiClient, User


@dataclass(frozen=True)
class Actor:
    """Who acts, and through what: a staff user, an API client, or the system (a command).

    Every service takes one so the events and audit rows it writes can say who, when and through what.
    """

    user: User | None = None
    client: ApiClient | None = None
    channel: str = ""

    @classmethod
    def staff(cls, user, channel="admin"):
        return cls(user=user, channel=channel)

    @classmethod
    def api(cls, client, channel):
        return cls(client=client, channel=channel)

    @classmethod
    def system(cls, channel="command"):
        return cls(channel=channel)

    @property
    def label(self):
        if self.user is not None:
            return self.user.get_username()
        if self.client is not None:
            return self.client.name
        return self.channel or "system"

    def as_fields(self):
        """The actor columns every event and audit row carries."""
        return {"actor_user": self.user, "actor_client": self.client, "channel": self.channel}
