"""Fetch one web page for import, guarded against server-side request forgery (SSRF).

A desk member pastes an address and the server fetches it: without care, that lets anyone with an
account make the server read its own admin ports, the cloud metadata service (169.254.169.254) or the
newsroom's intranet, as Label Studio learned (CVE-2022-36551, then a bypass through redirects). So:

- only http and https; no user name or password in the address;
- the host is resolved here, once, and every address it resolves to must be public: loopback,
  private, link-local, multicast, unspecified, reserved and other non-global addresses are refused,
  IPv4 and IPv6, including IPv4 addresses inside IPv6 ones (``::ffff:127.0.0.1``, 6to4, NAT64) and
  the decimal, octal and hex forms C libraries accept (``2130706433``, ``0177.0.0.1``, ``0x7f.1``);
- the connection goes to the address that was checked, never to a second DNS answer (the request
  is sent to the IP, with the Host header and the TLS server name set to the host name, so the
  certificate is still verified against the name);
- redirects are followed here, at most five, each one checked like the first address;
- the body is streamed and refused past a size limit (never truncated), with connect, read and
  total timeouts; only HTML and plain text are accepted;
- ``FACTCHECK_FETCH_ALLOW_HOSTS`` (host names, ``.suffix`` for a domain and its subdomains, IPs or
  CIDR networks) lets tests and intranets through; it is empty by default.

Every refusal is a `FetchError` whose text says, for a person, what was wrong with this URL.
The address checks (`literal_address`, `address_kind`, `AllowList`) are pure and tested offline.
"""

import codecs
import functools
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from django.conf import settings

MAX_REDIRECTS = 5
# Content types accepted, and the import format each gives.
PAGE_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
USER_AGENT = "FactcheckDesk/1 (article import)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A URL that was not fetched; str() says why, in words for the person who gave it."""


class Refused(FetchError):
    """The address is not one the server may fetch (scheme, credentials, non-public address)."""

    def __init__(self, reason: str, *, redirect_to: str = ""):
        self.reason = reason
        self.redirect_to = redirect_to
        where = f"redirect to {redirect_to}: " if redirect_to else ""
        super().__init__(f"refused: {where}{reason}")

    def after_redirect(self, url: str) -> "Refused":
        return Refused(self.reason, redirect_to=url)


class TooLarge(FetchError):
    """The page is bigger than FACTCHECK_FETCH_MAX_BYTES."""


class NotAPage(FetchError):
    """The server sent something other than HTML or plain text."""


class FetchFailed(FetchError):
    """The host could not be resolved or reached, timed out, or answered with an error."""


# ---------------------------------------------------------------- reading and classifying addresses

_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host written in numbers means, read the way inet_aton and browsers read it.

    ``2130706433``, ``0177.0.0.1``, ``0x7f.1`` and ``127.1`` all mean 127.0.0.1. None for a host name.
    Raises ValueError for a host that is numeric but no address (``1.2.3.256``, ``1.2.3.4.5``).
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels = labels[:-1]  # one trailing dot is the DNS root
    if not labels or not _NUMERIC_LABEL.match(labels[-1]):
        return None  # a name: its last label is not a number (WHATWG URL rule)
    if len(labels) > 4 or not all(_NUMERIC_LABEL.match(label) for label in labels):
        raise ValueError(f"{host} is not a valid IPv4 address")
    numbers = [_label_number(label) for label in labels]
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"{host} is not a valid IPv4 address")
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


def _label_number(label: str) -> int:
    lowered = label.lower()
    if lowered.startswith("0x"):
        return int(lowered[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        if not set(label) <= set("01234567"):
            raise ValueError(f"{label} is not an octal number")
        return int(label, 8)
    return int(label)


def literal_address(host: str) -> Address | None:
    """The address a URL's host names directly (IPv6, dotted IPv4 or a numeric form), None for a name."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    return legacy_ipv4(bare)


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4, NAT64), which is where packets go."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address: Address) -> str | None:
    """Why the address may not be fetched ("loopback", "private", ...), or None when it is public."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return address_kind(inner)
    checks = [
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-public", not address.is_global),  # shared 100.64/10, site-local and the like
    ]
    return next((kind for kind, matches in checks if matches), None)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _shown(address: Address) -> str:
    """The address, with the IPv4 one inside it when there is one: "::ffff:7f00:1 (127.0.0.1)"."""
    inner = embedded_ipv4(address)
    return f"{address} ({inner})" if inner is not None else str(address)


@dataclass(frozen=True)
class AllowList:
    """Hosts and networks the fetcher may reach even though they are not public (tests, intranets)."""

    names: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()  # ".intranet.example" allows intranet.example and its subdomains
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, entries) -> "AllowList":
        names, domains, networks = set(), [], []
        for entry in entries:
            entry = entry.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            if entry.startswith("."):
                domains.append(entry)
            else:
                names.add(entry)
        return cls(frozenset(names), tuple(domains), tuple(networks))

    def allows_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.names or any(host == d[1:] or host.endswith(d) for d in self.domains)

    def allows_address(self, address: Address) -> bool:
        return any(address.version == network.version and address in network for network in self.networks)


# ---------------------------------------------------------------- policy


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0
    allow: AllowList = field(default_factory=AllowList)
    verify: object = True  # True (system/certifi CAs) or an ssl.SSLContext

    @classmethod
    def from_settings(cls) -> "FetchPolicy":
        return cls(
            max_bytes=settings.FACTCHECK_FETCH_MAX_BYTES,
            connect_timeout=settings.FACTCHECK_FETCH_CONNECT_TIMEOUT,
            read_timeout=settings.FACTCHECK_FETCH_READ_TIMEOUT,
            total_timeout=settings.FACTCHECK_FETCH_TOTAL_TIMEOUT,
            allow=AllowList.parse(settings.FACTCHECK_FETCH_ALLOW_HOSTS),
        )

    def size_limit(self) -> str:
        return _size(self.max_bytes)


def _size(count: int) -> str:
    mb = 1024 * 1024
    if count >= mb and count % mb == 0:
        return f"{count // mb} MB"
    if count >= mb:
        return f"{count / mb:.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


# ---------------------------------------------------------------- checking a target


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks, with the addresses it may be fetched from."""

    url: httpx.URL  # as given, host and all (no fragment)
    host: str  # ASCII host name (or address) for the Host header and the TLS server name
    addresses: tuple[Address, ...]


def resolve(host: str, port: int) -> list[Address]:
    """Every address the host name resolves to, in the resolver's order (one lookup, here)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"failed: {host} could not be resolved ({_resolver_error(error)})") from None
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchFailed(f"failed: {host} resolves to no address")
    return addresses


def _resolver_error(error: Exception) -> str:
    if isinstance(error, socket.gaierror) and error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
        return "no such host"
    return getattr(error, "strerror", None) or str(error)


def check_target(url: str, policy: FetchPolicy) -> Target:
    """The URL's scheme, host and every address it resolves to, checked; Refused says what failed."""
    split = urlsplit(url.strip())
    scheme = split.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(f"only http and https addresses can be fetched, not {scheme or 'an address without a scheme'}")
    if split.username is not None or split.password is not None:
        raise Refused("addresses with a user name or password are not fetched")
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as error:
        # httpx refuses some numeric hosts (0177.0.0.1) that C libraries would still connect to.
        _refuse_numeric(split.hostname or "", policy)
        raise FetchFailed(f"failed: not a valid address ({error})") from None
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise Refused("the address has no host name")
    parsed = parsed.copy_with(fragment=None)
    try:
        literal = literal_address(host)
    except ValueError as error:
        raise Refused(str(error)) from None
    if literal is not None:
        _check_literal(host, literal, policy)
        return Target(parsed, host, (literal,))
    addresses = resolve(host, parsed.port or (443 if scheme == "https" else 80))
    if not policy.allow.allows_host(host):
        for address in addresses:
            kind = address_kind(address)
            if kind and not policy.allow.allows_address(address):
                raise Refused(f"{host} resolves to {_shown(address)}, {_a(kind)} address")
    return Target(parsed, host, tuple(addresses))


def _check_literal(host: str, address: Address, policy: FetchPolicy) -> None:
    kind = address_kind(address)
    if kind is None or policy.allow.allows_address(address) or policy.allow.allows_host(host):
        return
    inner = embedded_ipv4(address)
    shown = host.strip("[]")
    if shown == str(address) and inner is None:
        raise Refused(f"{shown} is {_a(kind)} address")
    raise Refused(f"{shown} is {inner or address}, {_a(kind)} address")


def _refuse_numeric(host: str, policy: FetchPolicy) -> None:
    try:
        address = literal_address(host)
    except ValueError as error:
        raise Refused(str(error)) from None
    if address is not None:
        _check_literal(host, address, policy)


# ---------------------------------------------------------------- fetching


@dataclass
class FetchedPage:
    url: str  # the final URL, after redirects
    text: str
    format: str  # "html" or "text"
    content_type: str
    redirects: list[str] = field(default_factory=list)  # each URL redirected to, in order


def fetch_page(url: str, policy: FetchPolicy | None = None) -> FetchedPage:
    """GET an HTML or plain-text page safely; raises a FetchError saying why it could not."""
    try:
        return _fetch(url, policy or FetchPolicy.from_settings())
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as error:
        # Whatever the client still raises is about this URL, and is reported as such.
        raise FetchFailed(f"failed: {error}") from None


def _fetch(url: str, policy: FetchPolicy) -> FetchedPage:
    deadline = time.monotonic() + policy.total_timeout
    redirects: list[str] = []
    current = url
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9"}
    # trust_env=False: an HTTP(S)_PROXY from the environment would make the proxy resolve the name again.
    verify = _default_tls_context() if policy.verify is True else policy.verify
    with httpx.Client(trust_env=False, verify=verify, timeout=timeout, headers=headers) as client:
        while True:
            try:
                target = check_target(current, policy)
            except Refused as refused:
                raise (refused.after_redirect(current) if redirects else refused) from None
            response = _open(client, target)
            try:
                if response.is_redirect:
                    if len(redirects) == MAX_REDIRECTS:
                        raise FetchFailed(f"failed: more than {MAX_REDIRECTS} redirects")
                    current = urldefrag(urljoin(str(target.url), response.headers["location"])).url
                    redirects.append(current)
                    continue
                _check_status(response)
                media_type, page_format = _page_format(response)
                data = _read(response, policy, deadline)
            finally:
                response.close()
            text = _decode(data, response, page_format)
            return FetchedPage(str(target.url), text, page_format, media_type, redirects)


@functools.cache
def _default_tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes a quarter of a second; one context serves every fetch (it is thread-safe)."""
    return httpx.create_ssl_context()


def _open(client: httpx.Client, target: Target) -> httpx.Response:
    """Send the request to the checked addresses in turn (never to a fresh DNS answer)."""
    failure = ""
    for address in target.addresses:
        port = target.url.port
        host_header = target.host if port is None else f"{target.host}:{port}"
        if ":" in target.host:
            host_header = f"[{target.host}]" if port is None else f"[{target.host}]:{port}"
        extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
        request = client.build_request(
            "GET", target.url.copy_with(host=str(address)), headers={"Host": host_header}, extensions=extensions
        )
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectTimeout:
            failure = f"no answer within {client.timeout.connect:g} seconds"
        except httpx.ConnectError as error:
            failure = _connect_error(error)
        except httpx.TimeoutException:
            raise FetchFailed(f"failed: {target.host} sent nothing for {client.timeout.read:g} seconds") from None
        except httpx.HTTPError as error:
            raise FetchFailed(f"failed: {target.host}: {error}") from None
    raise FetchFailed(f"failed: could not connect to {target.host} ({failure})")


def _connect_error(error: httpx.ConnectError) -> str:
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "its TLS certificate could not be verified: " + text.split("certificate verify failed:")[-1].strip(" ()")
    match = re.search(r"\[Errno -?\d+\] (.+)", text)
    return (match.group(1) if match else text).lower()


def _check_status(response: httpx.Response) -> None:
    if response.status_code == 200:
        return
    phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
    if 300 <= response.status_code < 400:
        raise FetchFailed(f"failed: the server answered {response.status_code}{phrase} without a Location")
    raise FetchFailed(f"failed: the server answered {response.status_code}{phrase}")


def _page_format(response: httpx.Response) -> tuple[str, str]:
    """The media type the server sent and the import format it gives; NotAPage for anything else."""
    content_type = response.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in PAGE_FORMATS:
        return media_type, PAGE_FORMATS[media_type]
    sent = f"sent {media_type}" if media_type else "did not say what it sent (no Content-Type)"
    raise NotAPage(f"not a web page: the server {sent}; only HTML and plain-text pages can be imported")


def _read(response: httpx.Response, policy: FetchPolicy, deadline: float) -> bytes:
    """The whole body, streamed; refused (never cut) once it passes the size limit or the time limit."""
    too_large = TooLarge(f"too large: more than {policy.size_limit()}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise too_large
    chunks, size = [], 0
    try:
        # iter_bytes decompresses, so the limit also holds for a small gzip of a huge page.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise FetchFailed(f"failed: the page took more than {policy.total_timeout:g} seconds to download")
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise FetchFailed(f"failed: the server sent nothing for {policy.read_timeout:g} seconds") from None
    except httpx.HTTPError as error:
        raise FetchFailed(f"failed: the download broke off ({error})") from None
    return b"".join(chunks)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _decode(data: bytes, response: httpx.Response, page_format: str) -> str:
    """The page's text: the charset the server or the page declares, else UTF-8, else Windows-1252."""
    if b"\x00" in data[:8192]:
        raise NotAPage("not a web page: the content is binary (it contains NUL bytes)")
    declared = response.charset_encoding
    if not declared and page_format == "html":
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    if declared:
        try:
            codecs.lookup(declared)
            return data.decode(declared, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
