"""A throwaway git repository with known error sites in four languages.

History: every file is committed on 2026-11-02; on 2026-12-03 a second commit
changes only the line of services/checkout/pool.py that builds the pool message.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

OLD_DATE = "2026-11-02T10:00:00+00:00"
RECENT_DATE = "2026-12-03T09:30:00+00:00"

POOL_PY = """\
import logging

log = logging.getLogger(__name__)


class PoolExhausted(Exception):
    pass


class Pool:
    def __init__(self, size):
        self.size = size

    def acquire(self, user):
        if self.size == 0:
            raise PoolExhausted(
                "connection pool exhausted after %d retries for user %s" % (3, user)
            )
        return object()

    def release(self, number):
        log.warning("released connection {} to pool {name}".format(number, name="a"))
"""

GATEWAY_GO = """\
package payments

import "fmt"

type Gateway struct{ url string }

func (g *Gateway) Charge(amount int) error {
\tif amount <= 0 {
\t\treturn fmt.Errorf("invalid amount %d for gateway %s", amount, g.url)
\t}
\tpanic("card declined by issuer")
}
"""

INVENTORY_JAVA = """\
package com.acme.shop;

public class Inventory {
    private final int stock;

    public Inventory(int stock) {
        this.stock = stock;
    }

    public int reserve(String sku, int quantity) {
        if (quantity > stock) {
            throw new IllegalStateException("Not enough stock for " + sku);
        }
        return stock - quantity;
    }
}
"""

CART_JS = """\
class Cart {
  addItem(item) {
    if (!item.sku) {
      throw new Error(`Item ${item.name} has no SKU`);
    }
    this.items.push(item);
  }
}

function checkout(cart) {
  try {
    cart.submit();
  } catch (error) {
    console.error("checkout failed for cart", cart.id, error);
  }
}

module.exports = { Cart, checkout };
"""

FILES = {
    "services/checkout/pool.py": POOL_PY,
    "payments/gateway.go": GATEWAY_GO,
    "src/main/java/com/acme/shop/Inventory.java": INVENTORY_JAVA,
    "web/src/cart.js": CART_JS,
}
POOL_FILE = "services/checkout/pool.py"
POOL_MESSAGE_LINE = 17


def git(folder: Path, *arguments: str, date: str = OLD_DATE) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Jane Doe",
        "GIT_AUTHOR_EMAIL": "jane@example.com",
        "GIT_COMMITTER_NAME": "Jane Doe",
        "GIT_COMMITTER_EMAIL": "jane@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    completed = subprocess.run(
        ["git", *arguments],
        cwd=folder,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def make_shop(folder: Path) -> Path:
    """Create the repository and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q", "-b", "main")
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "Add the shop services")
    pool = folder / POOL_FILE
    pool.write_text(
        POOL_PY.replace("% (3, user)", "% (5, user)"),
        encoding="utf-8",
    )
    git(folder, "commit", "-q", "-am", "Retry the pool five times", date=RECENT_DATE)
    return folder
