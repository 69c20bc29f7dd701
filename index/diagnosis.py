"""What ``portal doctor`` reports, whichever store it examines: one finding a line, said in Chinese."""

from __future__ import annotations

from dataclasses import dataclass

OK, NOTE, DAMAGED = "正常", "注意", "损坏"


@dataclass(frozen=True)
class Finding:
    level: str  # OK, NOTE or DAMAGED
    text: str

    @property
    def damaged(self) -> bool:
        return self.level == DAMAGED

    def __str__(self) -> str:
        return f"{self.level}：{self.text}"
