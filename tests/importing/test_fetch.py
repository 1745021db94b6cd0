"""Fetching a page by URL, guarded against SSRF: address rules offline, then a real server on 127.0.0.1.

Nothing here reaches outside the machine: names are resolved by a patched getaddrinfo, and the only
server is the local one, which the fetcher reaches only when the allow-list names it.
"""

import gzip
import ipaddress
import socket
import ssl
import subprocess

import pytest

from articles.importing import fetch
from articles.importing.fetch import AllowList, FetchPolicy, address_kind, check_target, fetch_page, legacy_ipv4
from tests.local_site import LocalSite

PAGE = "<html><head><title>Tram line opens</title></head><body><article><p>The new tram line opened.</p></article>"
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def names(monkeypatch):
    """Host names the test makes up, resolved without DNS; `names.lookups` counts each name's lookups."""

    class Names(dict):
        lookups: list[str]

    table = Names()
    table.lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            table.lookups.append(host)
            return [
                (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in table[host]
            ]
        if host.replace(".", "").isdigit() or ":" in host:  # an address: no DNS involved
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", getaddrinfo)
    return table


def policy(*allowed, **limits) -> FetchPolicy:
    return FetchPolicy(allow=AllowList.parse(allowed), **limits)


# ---------------------------------------------------------------- pure: reading and classifying addresses


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104 (an address read, not bound)
        ("10.0.0.1.", "10.0.0.1"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("example.org", None),
        ("0x7f.example", None),
    ],
)
def test_it_reads_numeric_hosts_the_way_c_libraries_do(host, address):
    expected = ipaddress.IPv4Address(address) if address else None
    assert legacy_ipv4(host) == expected


@pytest.mark.parametrize("host", ["1.2.3.256", "1.2.3.4.5", "08.0.0.1", "4294967296", "1.2.65536"])
def test_it_refuses_numeric_hosts_that_are_no_address(host):
    with pytest.raises(ValueError, match="is not a valid IPv4 address|is not an octal number"):
        legacy_ipv4(host)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fd00::1", "private"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 around 169.254.169.254
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 around 127.0.0.1
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_it_classifies_addresses(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_it_reads_the_allow_list():
    allow = AllowList.parse(["news.test", ".intranet.example", "10.20.0.0/16", "::1", " ", "Wiki.Example."])
    assert allow.allows_host("NEWS.test") and allow.allows_host("wiki.example")
    assert allow.allows_host("intranet.example") and allow.allows_host("cms.intranet.example")
    assert not allow.allows_host("evilintranet.example") and not allow.allows_host("other.test")
    assert allow.allows_address(ipaddress.ip_address("10.20.3.4"))
    assert allow.allows_address(ipaddress.ip_address("::1"))
    assert not allow.allows_address(ipaddress.ip_address("10.21.0.1"))
    assert AllowList.parse([]) == AllowList()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://127.0.0.1:8000/admin/", "refused: 127.0.0.1 is a loopback address"),
        ("http://10.0.0.1/", "refused: 10.0.0.1 is a private address"),
        ("http://192.168.0.10/page", "refused: 192.168.0.10 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
        ("http://0.0.0.0/", "refused: 0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address"),
        ("http://[::1]/", "refused: ::1 is a loopback address"),
        ("http://[::1]:8080/", "refused: ::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "refused: ::ffff:127.0.0.1 is 127.0.0.1, a loopback address"),
        ("http://[fd00::1]/", "refused: fd00::1 is a private address"),
        ("http://[fe80::1]/", "refused: fe80::1 is a link-local address"),
        ("http://2130706433/", "refused: 2130706433 is 127.0.0.1, a loopback address"),
        ("http://0177.0.0.1/", "refused: 0177.0.0.1 is 127.0.0.1, a loopback address"),
        ("http://0x7f.0.0.1/", "refused: 0x7f.0.0.1 is 127.0.0.1, a loopback address"),
        ("http://0x7f.1/", "refused: 0x7f.1 is 127.0.0.1, a loopback address"),
        ("http://0xa9fea9fe/", "refused: 0xa9fea9fe is 169.254.169.254, a link-local address"),
        ("http://1.2.3.256/", "refused: 1.2.3.256 is not a valid IPv4 address"),
        ("ftp://example.org/story.txt", "refused: only http and https addresses can be fetched, not ftp"),
        ("file:///etc/passwd", "refused: only http and https addresses can be fetched, not file"),
        ("gopher://example.org/", "refused: only http and https addresses can be fetched, not gopher"),
        ("example.org/story", "refused: only http and https addresses can be fetched, not an address without a scheme"),
        ("http://user:secret@example.org/", "refused: addresses with a user name or password are not fetched"),
        ("http://example.org@127.0.0.1/", "refused: addresses with a user name or password are not fetched"),
    ],
)
def test_it_refuses_addresses_that_are_not_public_by_default(url, message, names):
    with pytest.raises(fetch.Refused) as refused:
        check_target(url, policy())
    assert str(refused.value) == message
    assert names.lookups == []  # refused before any lookup


@pytest.mark.parametrize(
    ("resolved", "message"),
    [
        (["127.0.0.1"], "refused: sneaky.test resolves to 127.0.0.1, a loopback address"),
        (["10.1.2.3"], "refused: sneaky.test resolves to 10.1.2.3, a private address"),
        (["::1"], "refused: sneaky.test resolves to ::1, a loopback address"),
        (
            ["::ffff:169.254.169.254"],
            "refused: sneaky.test resolves to ::ffff:a9fe:a9fe (169.254.169.254), a link-local address",
        ),
        # One private answer among public ones is enough: the connection could go to any of them.
        (["93.184.216.34", "192.168.1.1"], "refused: sneaky.test resolves to 192.168.1.1, a private address"),
    ],
)
def test_it_refuses_a_name_that_resolves_to_a_non_public_address(names, resolved, message):
    names["sneaky.test"] = resolved
    with pytest.raises(fetch.Refused) as refused:
        check_target("https://sneaky.test/story", policy())
    assert str(refused.value) == message


def test_it_refuses_localhost_by_its_real_resolution():
    with pytest.raises(fetch.Refused, match=r"^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$"):
        check_target("http://localhost:8000/", policy())


def test_it_accepts_a_name_with_public_addresses_and_keeps_them(names):
    names["news.test"] = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    target = check_target("https://news.test/a/story#comments", policy())
    assert str(target.url) == "https://news.test/a/story"
    assert target.host == "news.test"
    assert [str(address) for address in target.addresses] == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]


def test_it_says_when_a_name_does_not_resolve(names):
    with pytest.raises(fetch.FetchFailed, match=r"^failed: nowhere\.test could not be resolved \(no such host\)$"):
        check_target("http://nowhere.test/", policy())


def test_it_lets_the_allow_list_through(names):
    names["wiki.intranet.example"] = ["10.9.8.7"]
    allowed = policy(".intranet.example", "192.168.0.0/16")
    assert check_target("http://wiki.intranet.example/", allowed).addresses == (ipaddress.ip_address("10.9.8.7"),)
    assert check_target("http://192.168.4.4/", allowed).addresses == (ipaddress.ip_address("192.168.4.4"),)
    with pytest.raises(fetch.Refused, match="^refused: 10.0.0.1 is a private address$"):
        check_target("http://10.0.0.1/", allowed)


def test_it_reads_its_limits_and_allow_list_from_settings(settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 1234
    settings.FACTCHECK_FETCH_ALLOW_HOSTS = ["news.test", "10.0.0.0/8"]
    loaded = FetchPolicy.from_settings()
    assert loaded.max_bytes == 1234
    assert loaded.allow == AllowList.parse(["news.test", "10.0.0.0/8"])


def test_it_allows_nothing_by_default(settings):
    assert settings.FACTCHECK_FETCH_ALLOW_HOSTS == []
    assert settings.FACTCHECK_FETCH_MAX_BYTES == 5 * 1024 * 1024
    assert FetchPolicy.from_settings().allow == AllowList()


# ---------------------------------------------------------------- against a local server


@pytest.fixture
def site():
    served = LocalSite()
    yield served
    served.close()


def test_it_fetches_a_page_through_the_allow_list(site):
    site.add("/tram", PAGE)
    page = fetch_page(site.url("/tram"), policy("127.0.0.1"))
    assert page.url == site.url("/tram")
    assert page.text == PAGE
    assert (page.format, page.content_type, page.redirects) == ("html", "text/html", [])
    assert site.requests == [("/tram", f"127.0.0.1:{site.port}")]


def test_it_refuses_the_local_server_by_default(site):
    site.add("/tram", PAGE)
    with pytest.raises(fetch.Refused) as refused:
        fetch_page(site.url("/tram"), policy())
    assert str(refused.value) == "refused: 127.0.0.1 is a loopback address"
    assert site.requests == []


def test_it_connects_to_the_address_it_checked_without_a_second_lookup(site, names):
    names["news.test"] = ["127.0.0.1"]
    site.add("/tram", PAGE)
    page = fetch_page(site.url("/tram", host="news.test"), policy("news.test"))
    assert page.url == f"http://news.test:{site.port}/tram"
    assert names.lookups == ["news.test"]  # resolved once, by the check; the connection used that address
    assert site.requests == [("/tram", f"news.test:{site.port}")]  # the server still sees the name


def test_it_follows_a_redirect_within_allowed_hosts(site):
    site.add("/2024/tram", PAGE)
    site.redirect("/tram", "/2024/tram", status=301)
    site.redirect("/short", site.url("/tram"))
    page = fetch_page(site.url("/short"), policy("127.0.0.1"))
    assert page.url == site.url("/2024/tram")
    assert page.redirects == [site.url("/tram"), site.url("/2024/tram")]
    assert page.text == PAGE


def test_it_refuses_a_redirect_to_loopback(site, names):
    names["news.test"] = ["127.0.0.1"]
    site.add("/secret", "internal")
    site.redirect("/story", site.url("/secret"))  # from the allowed name to the loopback address it is not
    with pytest.raises(fetch.Refused) as refused:
        fetch_page(site.url("/story", host="news.test"), policy("news.test"))
    assert str(refused.value) == f"refused: redirect to {site.url('/secret')}: 127.0.0.1 is a loopback address"
    assert site.fetched("/secret") == 0


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]:22/", "::1 is a loopback address"),
        ("http://0x7f.1/", "0x7f.1 is 127.0.0.1, a loopback address"),
        ("http://localhost/", "localhost resolves to 127.0.0.1, a loopback address"),
        ("file:///etc/passwd", "only http and https addresses can be fetched, not file"),
    ],
)
def test_it_checks_every_redirect_like_the_first_address(site, names, location, message):
    names["news.test"] = names["localhost"] = ["127.0.0.1"]  # only the name news.test is allowed
    site.redirect("/story", location)
    with pytest.raises(fetch.Refused) as refused:
        fetch_page(site.url("/story", host="news.test"), policy("news.test"))
    assert str(refused.value) == f"refused: redirect to {location}: {message}"


def test_it_stops_after_five_redirects(site):
    for number in range(10):
        site.redirect(f"/hop{number}", f"/hop{number + 1}")
    with pytest.raises(fetch.FetchFailed, match="^failed: more than 5 redirects$"):
        fetch_page(site.url("/hop0"), policy("127.0.0.1"))
    assert len(site.requests) == 6


def test_it_follows_five_redirects(site):
    for number in range(5):
        site.redirect(f"/hop{number}", f"/hop{number + 1}")
    site.add("/hop5", PAGE)
    assert fetch_page(site.url("/hop0"), policy("127.0.0.1")).url == site.url("/hop5")


@pytest.mark.parametrize("sized", [True, False], ids=["content-length", "streamed"])
def test_it_refuses_a_page_over_the_size_limit(site, sized):
    site.add("/big", "x" * 5000, content_type="text/plain", sized=sized)
    with pytest.raises(fetch.TooLarge) as too_large:
        fetch_page(site.url("/big"), policy("127.0.0.1", max_bytes=4096))
    assert str(too_large.value) == "too large: more than 4 KB"
    site.add("/fits", "x" * 4096, content_type="text/plain", sized=sized)
    assert len(fetch_page(site.url("/fits"), policy("127.0.0.1", max_bytes=4096)).text) == 4096  # never truncated


def test_it_counts_the_size_after_decompression(site):
    site.add("/bomb", gzip.compress(b"<p>" + b" " * 3 * 1024 * 1024), headers={"Content-Encoding": "gzip"})
    with pytest.raises(fetch.TooLarge, match="^too large: more than 1 MB$"):
        fetch_page(site.url("/bomb"), policy("127.0.0.1", max_bytes=1024 * 1024))


def test_it_says_the_default_limit_in_megabytes():
    assert FetchPolicy().size_limit() == "5 MB"


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        (
            "application/pdf",
            "not a web page: the server sent application/pdf; only HTML and plain-text pages can be imported",
        ),
        ("image/png", "not a web page: the server sent image/png; only HTML and plain-text pages can be imported"),
        (
            "",
            "not a web page: the server did not say what it sent (no Content-Type); "
            "only HTML and plain-text pages can be imported",
        ),
    ],
)
def test_it_refuses_what_is_not_html_or_text(site, content_type, message):
    site.add("/file", b"%PDF-1.7 binary", content_type=content_type)
    with pytest.raises(fetch.NotAPage) as refused:
        fetch_page(site.url("/file"), policy("127.0.0.1"))
    assert str(refused.value) == message


def test_it_refuses_binary_sent_as_text(site):
    site.add("/fake", b"GIF89a\x00\x00\x01", content_type="text/plain")
    with pytest.raises(fetch.NotAPage, match=r"^not a web page: the content is binary \(it contains NUL bytes\)$"):
        fetch_page(site.url("/fake"), policy("127.0.0.1"))


def test_it_accepts_plain_text_and_xhtml(site):
    site.add("/notes", "Tram line opens\n\nThe tram opened.", content_type="text/plain; charset=utf-8")
    site.add("/x", PAGE, content_type="application/xhtml+xml")
    assert fetch_page(site.url("/notes"), policy("127.0.0.1")).format == "text"
    assert fetch_page(site.url("/x"), policy("127.0.0.1")).format == "html"


def test_it_decodes_the_declared_charset(site):
    site.add("/latin", "<p>Año nuevo en São Paulo</p>".encode("latin-1"), content_type="text/html; charset=ISO-8859-1")
    site.add("/meta", '<meta charset="windows-1252"><p>Café</p>'.encode("cp1252"), content_type="text/html")
    assert "Año nuevo en São Paulo" in fetch_page(site.url("/latin"), policy("127.0.0.1")).text
    assert "Café" in fetch_page(site.url("/meta"), policy("127.0.0.1")).text


def test_it_reports_an_error_status(site):
    with pytest.raises(fetch.FetchFailed, match="^failed: the server answered 404 Not Found$"):
        fetch_page(site.url("/missing"), policy("127.0.0.1"))


def test_it_reports_a_closed_port(site):
    closed = LocalSite()
    closed.close()
    with pytest.raises(fetch.FetchFailed, match=r"^failed: could not connect to 127\.0\.0\.1 \(connection refused\)$"):
        fetch_page(closed.url("/"), policy("127.0.0.1"))


def test_it_times_out_reading_a_silent_server():
    listener = socket.create_server(("127.0.0.1", 0))  # accepts connections and never answers
    try:
        port = listener.getsockname()[1]
        with pytest.raises(fetch.FetchFailed, match="^failed: 127.0.0.1 sent nothing for 0.3 seconds$"):
            fetch_page(f"http://127.0.0.1:{port}/", policy("127.0.0.1", read_timeout=0.3))
    finally:
        listener.close()


# ---------------------------------------------------------------- https: the certificate is checked against the name


def _certificates(folder, name):
    """A throwaway CA and a certificate for `name` signed by it, made with the openssl command."""
    ca_key, ca, key, csr, cert, ext = (folder / f for f in ("ca.key", "ca.pem", "k.pem", "c.csr", "c.pem", "ext"))
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subprocess.run(
        ["openssl", "req", "-x509", *curve, "-keyout", ca_key, "-out", ca, "-days", "1", "-subj", "/CN=Test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", *curve, "-keyout", key, "-out", csr, "-subj", f"/CN={name}"], check=True, capture_output=True
    )
    ext.write_text(f"subjectAltName=DNS:{name}\n")
    subprocess.run(
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
         "-days", "1", "-extfile", ext],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server, ssl.create_default_context(cafile=str(ca))


@pytest.fixture
def tls_site(tmp_path, names):
    names["news.test"] = ["127.0.0.1"]
    server, client = _certificates(tmp_path, "news.test")
    served = LocalSite(tls=server)
    served.client_context = client
    yield served
    served.close()


def test_it_fetches_https_from_the_checked_address_with_the_name_for_tls(tls_site, names):
    tls_site.add("/tram", PAGE)
    page = fetch_page(
        tls_site.url("/tram", host="news.test"),
        FetchPolicy(allow=AllowList.parse(["news.test"]), verify=tls_site.client_context),
    )
    assert page.url == f"https://news.test:{tls_site.port}/tram"
    assert page.text == PAGE
    assert names.lookups == ["news.test"]
    assert tls_site.requests == [("/tram", f"news.test:{tls_site.port}")]


def test_it_refuses_a_certificate_for_another_name(tls_site, names):
    names["other.test"] = ["127.0.0.1"]
    tls_site.add("/tram", PAGE)
    allowed = FetchPolicy(allow=AllowList.parse(["other.test"]), verify=tls_site.client_context)
    with pytest.raises(
        fetch.FetchFailed,
        match=r"^failed: could not connect to other\.test \(its TLS certificate could not be verified: .*other\.test",
    ):
        fetch_page(tls_site.url("/tram", host="other.test"), allowed)
    assert tls_site.requests == []
