"""A TCP gate between the site and a real server (PostgreSQL, Redis), to cut the
network the way an outage does, with no mock of either server.

Open, it forwards every connection to the target. Shut, it refuses new connections
and resets the ones it carried (a server restarted, a cable pulled). Hung, it accepts
connections and never answers (a server or a network that hangs), and resets the
ones it carried."""

import socket
import struct
import threading


class Gate:
    def __init__(self, target_host="127.0.0.1", target_port=None):
        self.target = (target_host, target_port)
        self.mode = "shut"
        self._listener = None
        self._lock = threading.Lock()
        self._sockets = set()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    # -- modes -------------------------------------------------------------------------

    def open(self):
        self._set_mode("open")
        return self

    def hang(self):
        self._set_mode("hang")
        return self

    def shut(self):
        self._set_mode("shut")
        return self

    def _set_mode(self, mode):
        with self._lock:
            self.mode = mode
            carried, self._sockets = self._sockets, set()
        for sock in carried:
            _reset(sock)
        if mode == "shut":
            self._stop_listening()
        elif self._listener is None:
            self._listen()

    # -- machinery ---------------------------------------------------------------------

    def _listen(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def _stop_listening(self):
        listener, self._listener = self._listener, None
        if listener is not None:
            # The port is free again only once the accepting thread has let go of it.
            self._acceptor.join(timeout=5)
            listener.close()

    def _accept(self, listener):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                mode = self.mode
                self._sockets.add(client)
            if mode == "open":
                threading.Thread(target=self._connect, args=(client,), daemon=True).start()
            # "hang": keep the connection and never answer.

    def _connect(self, client):
        try:
            server = socket.create_connection(self.target, timeout=5)
            server.settimeout(None)
        except OSError:
            _reset(client)
            return
        with self._lock:
            if client not in self._sockets:  # the gate shut meanwhile
                _reset(server)
                return
            self._sockets.add(server)
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def close(self):
        self.shut()


def _pump(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _reset(source)
    _reset(sink)


def _reset(sock):
    """Close with a reset, as a dead peer's kernel would answer."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
