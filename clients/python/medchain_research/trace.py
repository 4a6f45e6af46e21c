"""Batch custody trace (table + PNG) and time plots, with matplotlib."""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .analysis import _con  # noqa: E402

KIND_STYLE = {"commissioned": ("*", "tab:green"), "received": ("o", "tab:blue"), "dispensed": ("x", "tab:purple"),
              "recalled": ("X", "tab:red"), "suspect_report": ("^", "tab:red"), "destroyed": ("s", "black"),
              "cancelled": ("D", "tab:gray"), "rejected": ("D", "tab:orange")}


def batch_trace(db_path: str, gtin: str, lot: str, png: str | None = None) -> pd.DataFrame:
    """The custody history of one batch (GTIN + lot): one row per custody event, oldest first."""
    con = _con(db_path)
    try:
        b = con.execute("SELECT batch_id, quantity, expiry, recalled_block FROM batches WHERE gtin = ? AND lot = ?", [gtin, lot]).fetchone()
        if not b:
            raise KeyError(f"no batch {gtin} / {lot} in the index")
        df = con.execute(
            "SELECT e.block, e.ts, e.kind AS event, coalesce(o1.name, e.party) AS party, coalesce(o2.name, e.counterparty) AS counterparty, "
            "e.quantity, e.detail FROM custody_events e LEFT JOIN organizations o1 ON o1.account = e.party "
            "LEFT JOIN organizations o2 ON o2.account = e.counterparty WHERE e.batch_id = ? ORDER BY e.block, e.idx", [b[0]]).df()
    finally:
        con.close()
    df.attrs.update({"gtin": gtin, "lot": lot, "batch_id": int(b[0]), "quantity": int(b[1]), "expiry": str(b[2]), "recalled": b[3] is not None})
    if png:
        render_trace(df, png)
    return df


def holdings(df: pd.DataFrame) -> dict:
    """Units held per party and in transit, replayed from the custody events."""
    held, transit = {}, 0
    for r in df.itertuples():
        q = int(r.quantity or 0)
        if r.event == "commissioned":
            held[r.party] = held.get(r.party, 0) + q
        elif r.event == "shipped":
            held[r.party] = held.get(r.party, 0) - q
            transit += q
        elif r.event == "received":
            held[r.party] = held.get(r.party, 0) + q
            transit -= q
        elif r.event in ("cancelled", "rejected"):
            held[r.counterparty] = held.get(r.counterparty, 0) + q
            transit -= q
        elif r.event in ("dispensed", "destroyed"):
            held[r.party] = held.get(r.party, 0) - q
    return {"held": held, "in_transit": transit}


def render_trace(df: pd.DataFrame, png: str) -> str:
    parties = []
    for r in df.itertuples():
        for p in (r.party, r.counterparty):
            if isinstance(p, str) and p not in parties:
                parties.append(p)
    lane = {p: i for i, p in enumerate(parties)}
    x0 = df["block"].min() if len(df) else 0
    fig, (ax, axt) = plt.subplots(2, 1, figsize=(11, 3 + 0.7 * len(parties) + 0.25 * len(df)), gridspec_kw={"height_ratios": [max(2, len(parties)), max(2, len(df) * 0.45)]})
    for p, y in lane.items():
        ax.axhline(y, color="0.88", lw=8, zorder=0)
    dispensed = {}
    for r in df.itertuples():
        x = r.block
        if r.event == "shipped":
            ax.annotate("", xy=(x + 0.6, lane[r.counterparty]), xytext=(x, lane[r.party]),
                        arrowprops=dict(arrowstyle="->", color="tab:blue", lw=1.6, linestyle="--"))
            ax.text(x + 0.1, (lane[r.party] + lane[r.counterparty]) / 2, f" {r.quantity} u", color="tab:blue", fontsize=8)
        elif r.event == "dispensed":
            dispensed.setdefault((x, r.party), 0)
            dispensed[(x, r.party)] += 1
        else:
            m, c = KIND_STYLE.get(r.event, ("o", "gray"))
            ax.scatter([x], [lane[r.party]], marker=m, color=c, s=110, zorder=3, label=r.event)
            if r.event == "recalled":
                ax.axvline(x, color="tab:red", lw=1, ls=":")
    for (x, p), n in dispensed.items():
        ax.scatter([x], [lane[p]], marker="x", color="tab:purple", s=90, zorder=3, label="dispensed")
        ax.text(x, lane[p] + 0.18, f"{n} dispensed", fontsize=8, color="tab:purple", ha="center")
    h, l = ax.get_legend_handles_labels()
    uniq = dict(zip(l, h))
    ax.legend(uniq.values(), uniq.keys(), loc="upper left", fontsize=8, ncol=4, bbox_to_anchor=(0, -0.12))
    ax.set_yticks(range(len(parties)), parties)
    ax.set_ylim(-0.6, len(parties) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel("block")
    ax.set_xlim(x0 - 1, df["block"].max() + 2 if len(df) else 1)
    a = df.attrs
    ax.set_title(f"Custody of GTIN {a.get('gtin')} lot {a.get('lot')} (batch {a.get('batch_id')}, {a.get('quantity')} units, expiry {a.get('expiry')})"
                 + ("  RECALLED" if a.get("recalled") else ""), fontsize=11)
    axt.axis("off")
    txt = lambda v: v if isinstance(v, str) else ""  # noqa: E731
    cells = [[str(r.block), str(r.ts)[:19], r.event, txt(r.party), txt(r.counterparty), str(r.quantity), txt(r.detail)] for r in df.itertuples()]
    if cells:
        tbl = axt.table(cellText=cells, colLabels=["block", "time (UTC)", "event", "party", "counterparty", "qty", "detail"], loc="upper center", cellLoc="left")
        tbl.auto_set_font_size(False)
        tbl.set_fontsize(7)
        tbl.auto_set_column_width(list(range(7)))
    hold = holdings(df)
    axt.set_title("Holdings now: " + ", ".join(f"{p} {q}" for p, q in hold["held"].items() if q) + f"; in transit {hold['in_transit']}", fontsize=9)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(png)), exist_ok=True)
    fig.savefig(png, dpi=130)
    plt.close(fig)
    return png


def _bucket(ts: pd.Series) -> str:
    span = (ts.max() - ts.min()) if len(ts) else pd.Timedelta(0)
    return "min" if span < pd.Timedelta(hours=3) else ("h" if span < pd.Timedelta(days=4) else "D")


def plot_records(db_path: str, png: str) -> str:
    """Records anchored over time, by category (single records; batch documents as a separate series)."""
    con = _con(db_path)
    try:
        rec = con.execute("SELECT ts, category FROM records").df()
        bat = con.execute("SELECT ts, leaf_count FROM record_batches").df()
    finally:
        con.close()
    fig, ax = plt.subplots(figsize=(10, 4.5))
    if len(rec):
        f = _bucket(rec["ts"])
        tab = rec.assign(t=rec["ts"].dt.floor(f)).pivot_table(index="t", columns="category", aggfunc="size", fill_value=0)
        tab.cumsum().plot.area(ax=ax, alpha=0.75, linewidth=0)
    if len(bat):
        f = _bucket(bat["ts"])
        s = bat.assign(t=bat["ts"].dt.floor(f)).groupby("t")["leaf_count"].sum().cumsum()
        ax2 = ax.twinx()
        s.plot(ax=ax2, color="black", ls="--", marker="o", drawstyle="steps-post", label="documents in record batches")
        ax2.set_ylabel("batch documents (cumulative)")
        ax2.legend(loc="upper center", fontsize=8)
    ax.set_title("Health records anchored over time (cumulative, by category)")
    ax.set_ylabel("records")
    ax.set_xlabel("time (UTC)")
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return png


def plot_recalls(db_path: str, png: str) -> str:
    """Drug batch recalls and suspect reports over time (cumulative)."""
    con = _con(db_path)
    try:
        rc = con.execute("SELECT ts FROM recalls ORDER BY ts").df()
        sr = con.execute("SELECT ts FROM suspect_reports ORDER BY ts").df()
        cm = con.execute("SELECT ts FROM batches ORDER BY ts").df()
        end = con.execute("SELECT max(ts) FROM blocks").fetchone()[0]
    finally:
        con.close()
    fig, ax = plt.subplots(figsize=(10, 4))
    for df, label, color in ((cm, "batches commissioned", "tab:green"), (rc, "recalls", "tab:red"), (sr, "suspect reports", "tab:orange")):
        if len(df):
            xs, ys = list(df["ts"]) + [end], list(range(1, len(df) + 1)) + [len(df)]
            ax.step(xs, ys, where="post", label=label, color=color, marker="o", markevery=list(range(len(df))))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(bottom=0)
    ax.set_title("Batches, recalls and suspect reports over time (cumulative)")
    ax.set_xlabel("time (UTC)")
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return png
