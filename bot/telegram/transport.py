"""python-telegram-bot's HTTP transport on aiohttp, in place of its default httpx one."""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _chosen(given: ODVInput[float], default: float | None) -> float | None:
    """The timeout PTB passed, or ours where it passed its "not given" sentinel."""
    return default if isinstance(given, DefaultValue) else given


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form-encoded parameters, or multipart/form-data when the request uploads files."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    # Non-ASCII file names (判决书.pdf) go as UTF-8, as httpx sends them: aiohttp would percent-encode them
    # by default, and Telegram keeps the name it receives, %E5%88%A4... and all.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` on one `aiohttp.ClientSession`.

    The timeouts are the defaults for requests that do not set their own, in seconds (None: no
    limit). ``read_timeout`` bounds each wait for response data; ``connect_timeout`` each
    connection attempt; waiting for a free connection and connecting together are bounded by
    ``pool_timeout + connect_timeout``. aiohttp has no write timeout, so PTB's ``write_timeout``
    is not applied. Like httpx, redirects are not followed. ``proxy`` (an http:// URL) carries
    every request, e.g. where Telegram is reachable only through one; HTTPS_PROXY and ~/.netrc are
    not read (aiohttp's trust_env would look both up in a worker thread on every request).
    """

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        proxy: str | None = None,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds getUpdates' long-poll timeout to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session; it must be created inside the running event loop."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send the request; the answer's status and body, whatever the status."""
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized")
        connect = _chosen(connect_timeout, self._connect_timeout)
        pool = _chosen(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=_chosen(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, allow_redirects=False, proxy=self._proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts subclass it, including ServerTimeoutError
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
