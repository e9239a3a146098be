"""The fault run (issue 12; README, "Faults survived"): `make faults`.

Brings up the production stack (scripts/stack.py: nginx, two gunicorn app servers)
on a Redis server and a PostgreSQL cluster of its own (scripts/instances.py, ports
6390 and 5440: the shared servers are never touched), with the demo content and
--articles generated articles. Readers request a mix of public pages through nginx
the whole time (scripts/load.py), while the run, one phase after another:

- kills Redis (SIGKILL: its data is gone) and starts it again,
- stops PostgreSQL (pg_ctl stop -m fast) and starts it again,
- restarts PostgreSQL under load (pg_ctl restart -m fast),
- stops one app server (SIGTERM) and starts it again.

It prints, for each phase, the requests, their outcomes by kind (status, or refused,
reset, timeout) and latency, and how long after the server returned the site had
recovered: both app servers' /healthz at 200 again, pages stored in Redis again,
an uncached page (search) answered 200 again. Bounded: a few minutes; everything it
started is stopped on any exit.
"""

import argparse
import re
import signal
import sys
import time
from collections import Counter

import redis

from scripts.instances import OwnedServers, running_stack
from scripts.load import Readers, discover, milliseconds, request, summary
from scripts.stack import HOST, StackError, http_get

POLL = 0.05  # seconds between two recovery probes


def main():
    args = parse_arguments()
    stop_on_signals()
    try:
        with OwnedServers(args.redis_port, args.postgres_port) as owned:
            owned.postgres.create_database("fedsite")
            with running_stack(owned, args.articles) as stack:
                run(args, owned, stack)
    except StackError as error:
        print(error, file=sys.stderr)
        sys.exit(1)


def stop_on_signals():
    # SIGTERM and SIGHUP unwind like Ctrl-C, so the `with` blocks stop what they started.
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--postgres-port", type=int, default=5440)
    parser.add_argument("--articles", type=int, default=2000, help="生成的文章数")
    parser.add_argument("--readers", type=int, default=6, help="并发读者线程数")
    parser.add_argument("--outage", type=int, default=15, help="每次中断的秒数")
    parser.add_argument("--after", type=int, default=10, help="恢复后继续观察的秒数")
    args = parser.parse_args()
    args.outage = max(3, min(args.outage, 60))
    args.after = max(3, min(args.after, 60))
    return args


def run(args, owned, stack):
    pages = discover(lambda path: http_get(stack.url(path))[2].decode())
    readers = Readers(HOST, stack.port, pages, count=args.readers).start()
    phases = []
    try:
        phases.append(steady(readers, "正常运行（基线）", args.after))
        phases.append(redis_killed(readers, owned, stack, args))
        phases.append(postgres_stopped(readers, owned, stack, args))
        phases.append(postgres_restarted(readers, owned, stack, args))
        phases.append(app_server_stopped(readers, stack, args))
    finally:
        readers.stop()
    report(phases, readers, stack)


# -- phases ------------------------------------------------------------------------------


def steady(readers, name, seconds):
    start = time.monotonic()
    time.sleep(seconds)
    return phase(name, start, {})


def phase(name, start, recovery):
    return {"name": name, "start": start, "end": time.monotonic(), "recovery": recovery}


def redis_killed(readers, owned, stack, args):
    print(f"Redis：强行停止 {args.outage} 秒……", flush=True)
    start = time.monotonic()
    owned.redis.kill()
    time.sleep(args.outage)
    owned.redis.start()
    back = time.monotonic()
    client = redis.Redis.from_url(owned.redis.url)
    recovery = {
        "两台应用服务器 /healthz 恢复 200": wait_for(lambda: all_healthy(stack), back, args.after),
        "页面重新存入 Redis": wait_for(lambda: stored_pages(client) > 0, back, args.after),
    }
    time.sleep(max(0, back + args.after - time.monotonic()))
    return phase("Redis 停止后重启", start, recovery)


def postgres_stopped(readers, owned, stack, args):
    print(f"PostgreSQL：停止 {args.outage} 秒……", flush=True)
    start = time.monotonic()
    owned.postgres.stop()
    time.sleep(args.outage)
    owned.postgres.start()
    back = time.monotonic()
    recovery = database_recovery(stack, back, args.after)
    time.sleep(max(0, back + args.after - time.monotonic()))
    return phase("PostgreSQL 停止后启动", start, recovery)


def postgres_restarted(readers, owned, stack, args):
    print("PostgreSQL：负载下重启……", flush=True)
    start = time.monotonic()
    owned.postgres.restart()
    back = time.monotonic()
    recovery = database_recovery(stack, back, args.after)
    time.sleep(max(0, back + args.after - time.monotonic()))
    return phase("PostgreSQL 负载下重启", start, recovery)


def app_server_stopped(readers, stack, args):
    server = stack.app_server(stack.app_ports[0])
    print(f"应用服务器 {HOST}:{server.port}：停止 {args.outage} 秒……", flush=True)
    start = time.monotonic()
    server.stop()
    time.sleep(args.outage)
    server.start()
    back = time.monotonic()
    server.wait(lambda status: status == 200)
    recovery = {"该应用服务器 /healthz 恢复 200": time.monotonic() - back}
    time.sleep(max(0, back + args.after - time.monotonic()))
    return phase("一台应用服务器停止", start, recovery)


# -- probes ------------------------------------------------------------------------------


def wait_for(condition, since, limit):
    """Seconds from `since` until `condition()` held, or None within `limit`."""
    deadline = since + limit
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic() - since
        time.sleep(POLL)
    return None


def all_healthy(stack):
    try:
        return all(
            http_get(stack.app_url(index, "/healthz"), timeout=2)[0] == 200
            for index in range(len(stack.app_ports))
        )
    except OSError:
        return False


def stored_pages(client):
    try:
        return sum(1 for _ in client.scan_iter(match="*fedsite:page:*", count=1000))
    except redis.RedisError:
        return 0


def database_recovery(stack, back, limit):
    search = "/search/?q=%E5%A6%87%E8%81%94"  # never cached: needs the database

    def searching():
        return request(HOST, stack.port, search, timeout=5) == "200"

    return {
        "两台应用服务器 /healthz 恢复 200": wait_for(lambda: all_healthy(stack), back, limit),
        "不经缓存的页面（搜索）恢复 200": wait_for(searching, back, limit),
    }


# -- report ------------------------------------------------------------------------------


def report(phases, readers, stack):
    print("\n## 故障演练结果\n")
    print(
        "| phase | s | requests | req/s | 200/304 | 503 | other 5xx | refused/reset/timeout "
        "| p50 ms | p99 ms | max ms | recovery after the server returned |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for phase in phases:
        seconds = phase["end"] - phase["start"]
        figures = summary(readers.between(phase["start"], phase["end"]), seconds)
        outcomes = figures["outcomes"]
        other = figures["server_errors"] - outcomes.get("503", 0)
        recovery = "; ".join(
            f"{name} {'未恢复' if value is None else f'{value:.2f} s'}"
            for name, value in phase["recovery"].items()
        )
        print(
            f"| {phase['name']} | {seconds:.0f} | {figures['requests']:,} | "
            f"{figures['per_second']:.0f} | {figures['ok']:,} | {outcomes.get('503', 0):,} | "
            f"{other:,} | {figures['failures']:,} | {milliseconds(figures['p50'])} | "
            f"{milliseconds(figures['p99'])} | {milliseconds(figures['max'])} | {recovery or '—'} |"
        )
    print()
    for phase in phases[1:4]:
        answers = readers.between(phase["start"], phase["end"])
        by_kind = Counter((answer.kind, answer.outcome) for answer in answers)
        kinds = sorted({kind for kind, _ in by_kind})
        detail = "，".join(
            f"{kind} " + "/".join(f"{o}×{n}" for (k, o), n in sorted(by_kind.items()) if k == kind)
            for kind in kinds
        )
        unavailable = summary([a for a in answers if a.outcome == "503"], 1)
        print(
            f"- {phase['name']}：{detail}；503 的中位数 {milliseconds(unavailable['p50'])} ms，"
            f"最慢 {milliseconds(unavailable['max'])} ms"
        )
    print()
    print(log_lines(stack))


def log_lines(stack):
    """How often the app servers logged the outages (once per outage and process)."""
    counts = Counter()
    for log in stack.logs.glob("gunicorn-*.log"):
        text = log.read_text(errors="replace")
        counts["Redis 无法访问"] += text.count("缓存服务器 Redis 无法访问")
        counts["Redis 已恢复"] += text.count("缓存服务器 Redis 已恢复")
        counts["数据库 503"] += text.count("数据库无法访问，答以 503")
        counts["Traceback"] += len(re.findall(r"^Traceback", text, flags=re.MULTILINE))
    processes = len(stack.app_ports) * stack.workers
    return (
        f"应用服务器日志（{processes} 个工作进程）："
        f"Redis 无法访问的警告 {counts['Redis 无法访问']} 条，"
        f"Redis 已恢复 {counts['Redis 已恢复']} 条，数据库 503 {counts['数据库 503']} 条，"
        f"Traceback {counts['Traceback']} 个"
    )


if __name__ == "__main__":
    main()
