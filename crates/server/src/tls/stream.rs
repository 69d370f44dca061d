//! A server TLS stream that holds no buffer while its connection is idle.
//!
//! rustls's buffered connection keeps a 4 KiB receive buffer for the life of each connection,
//! which for thousands of idle live sockets is most of what TLS costs. This stream drives
//! rustls's unbuffered connection instead and owns its three buffers, each freed as soon as it
//! is empty:
//!
//! - `incoming`: bytes read from the socket that do not yet make a whole record;
//! - `plaintext`: decrypted bytes the reader has not taken yet;
//! - `outgoing`: encrypted bytes not yet written to the socket.
//!
//! A read goes into a buffer on the stack; only what is left of a partial record is kept.
//!
//! Run loop: `drive` hands what is buffered to rustls and handles each state it returns
//! (decrypted data, handshake data to send, a peer's close) until rustls needs more bytes from
//! the socket, or, when there is data to write, until it may encrypt. `poll_read` and
//! `poll_write` call it, and send what rustls produced (a handshake flight, a key update, an
//! alert) right away, before waiting on the socket.

use crate::limits::{TLS_READ_CHUNK_BYTES, TLS_WRITE_PENDING_BYTES};
use rustls::server::UnbufferedServerConnection;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError, UnbufferedStatus};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A TLS connection accepted by the server (handshake complete).
pub struct TlsStream {
    tcp: TcpStream,
    conn: UnbufferedServerConnection,
    incoming: Vec<u8>,
    plaintext: Vec<u8>,
    /// How much of `plaintext` the reader has taken.
    taken: usize,
    outgoing: Vec<u8>,
    /// How much of `outgoing` is on the socket.
    sent: usize,
    /// The peer sent close_notify or closed its side: the reader sees the end.
    read_done: bool,
    /// Our close_notify is queued.
    close_sent: bool,
}

/// What `drive` is asked to do once rustls has handled what is buffered.
enum Want<'a, 'b> {
    /// Nothing but the handshake and the peer's records (decrypted data goes to `plaintext`).
    Nothing,
    /// Deliver decrypted data to the reader's buffer first.
    Read(&'a mut ReadBuf<'b>),
    /// Encrypt this application data.
    Write(&'a [u8]),
    /// Queue our close_notify.
    Close,
}

/// Where `drive` stopped.
enum Driven {
    /// rustls needs more bytes from the socket (or, for `Want::Nothing` and `Want::Read`, has
    /// nothing more to do until they come).
    NeedBytes,
    /// The data of `Want::Write`, or the close_notify of `Want::Close`, is in `outgoing`.
    Queued,
    /// Both sides closed: nothing more is read or written.
    Closed,
}

/// Completes the TLS handshake on an accepted socket.
pub async fn accept(tcp: TcpStream, config: Arc<rustls::ServerConfig>) -> io::Result<TlsStream> {
    let conn = UnbufferedServerConnection::new(config).map_err(invalid)?;
    let mut stream = TlsStream {
        tcp,
        conn,
        incoming: Vec::new(),
        plaintext: Vec::new(),
        taken: 0,
        outgoing: Vec::new(),
        sent: 0,
        read_done: false,
        close_sent: false,
    };
    std::future::poll_fn(|cx| stream.poll_handshake(cx)).await?;
    Ok(stream)
}

impl TlsStream {
    fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let driven = self.drive(Want::Nothing)?;
            ready!(self.poll_send(cx))?;
            if !self.conn.is_handshaking() {
                return Poll::Ready(Ok(()));
            }
            if matches!(driven, Driven::Closed) || self.read_done {
                return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
            }
            if !ready!(self.poll_receive(cx))? {
                return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
            }
        }
    }

    /// Hands the buffered bytes to rustls and handles each state it returns, until it needs
    /// more bytes from the socket or `want` is done.
    fn drive(&mut self, mut want: Want<'_, '_>) -> io::Result<Driven> {
        loop {
            let UnbufferedStatus { discard, state } =
                self.conn.process_tls_records(&mut self.incoming);
            let state = match state {
                Ok(state) => state,
                Err(e) => return Err(self.failed(e)),
            };
            let mut stop = None;
            match state {
                ConnectionState::ReadTraffic(mut traffic) => {
                    while let Some(record) = traffic.next_record() {
                        let record = record.map_err(invalid)?;
                        deliver(record.payload, &mut want, &mut self.plaintext);
                    }
                }
                ConnectionState::ReadEarlyData(mut early) => {
                    while let Some(record) = early.next_record() {
                        let record = record.map_err(invalid)?;
                        deliver(record.payload, &mut want, &mut self.plaintext);
                    }
                }
                ConnectionState::EncodeTlsData(mut encode) => {
                    append(
                        &mut self.outgoing,
                        |out| encode.encode(out),
                        |e| match e {
                            EncodeError::InsufficientSize(need) => Some(need.required_size),
                            _ => None,
                        },
                    )?;
                }
                // What was encoded stays in `outgoing`, and is sent in order before this stream
                // waits on the socket.
                ConnectionState::TransmitTlsData(transmit) => transmit.done(),
                ConnectionState::BlockedHandshake => stop = Some(Driven::NeedBytes),
                ConnectionState::PeerClosed => self.read_done = true,
                ConnectionState::Closed => {
                    self.read_done = true;
                    stop = Some(Driven::Closed);
                }
                ConnectionState::WriteTraffic(mut traffic) => {
                    let needs = |e: &EncryptError| match e {
                        EncryptError::InsufficientSize(need) => Some(need.required_size),
                        _ => None,
                    };
                    stop = Some(match want {
                        Want::Write(data) => {
                            append(&mut self.outgoing, |out| traffic.encrypt(data, out), needs)?;
                            Driven::Queued
                        }
                        Want::Close => {
                            append(
                                &mut self.outgoing,
                                |out| traffic.queue_close_notify(out),
                                needs,
                            )?;
                            Driven::Queued
                        }
                        Want::Nothing | Want::Read(_) => Driven::NeedBytes,
                    });
                }
                _ => return Err(invalid("unexpected TLS connection state")),
            }
            self.incoming.drain(..discard);
            if self.incoming.is_empty() {
                // Free what a large record needed: an idle connection holds no buffer.
                self.incoming = Vec::new();
            }
            if let Some(driven) = stop {
                return Ok(driven);
            }
        }
    }

    /// After a TLS error: encodes the alert rustls queued and tries once, without waiting, to
    /// send it, so that the peer learns why.
    fn failed(&mut self, e: rustls::Error) -> io::Error {
        for _ in 0..4 {
            let UnbufferedStatus { state, .. } = self.conn.process_tls_records(&mut []);
            match state {
                Ok(ConnectionState::EncodeTlsData(mut encode)) => {
                    let mut alert = [0u8; 64];
                    if let Ok(n) = encode.encode(&mut alert) {
                        self.outgoing.extend_from_slice(&alert[..n]);
                    }
                }
                Ok(ConnectionState::TransmitTlsData(transmit)) => transmit.done(),
                _ => break,
            }
        }
        let _ = self.tcp.try_write(&self.outgoing[self.sent..]);
        invalid(e)
    }

    /// Writes `outgoing` to the socket; ready once all of it is there (and the buffer freed).
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.outgoing.len() {
            let n = ready!(Pin::new(&mut self.tcp).poll_write(cx, &self.outgoing[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.outgoing = Vec::new();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Writes what of `outgoing` the socket takes now, without waiting. The reading side uses
    /// this: waiting for the socket to drain would take the writer's place to be woken (a
    /// socket has one waker per direction), and the writer sends the rest with its next write
    /// or flush.
    fn try_send(&mut self) -> io::Result<()> {
        while self.sent < self.outgoing.len() {
            match self.tcp.try_write(&self.outgoing[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        self.outgoing = Vec::new();
        self.sent = 0;
        Ok(())
    }

    /// Reads what the socket has (through a buffer on the stack) into `incoming`; `false` at the
    /// end of the stream.
    fn poll_receive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        let mut chunk = [0u8; TLS_READ_CHUNK_BYTES];
        let mut buf = ReadBuf::new(&mut chunk);
        ready!(Pin::new(&mut self.tcp).poll_read(cx, &mut buf))?;
        if buf.filled().is_empty() {
            return Poll::Ready(Ok(false));
        }
        self.incoming.extend_from_slice(buf.filled());
        Poll::Ready(Ok(true))
    }

    /// Hands buffered plaintext to `buf`; true if there was some.
    fn take_plaintext(&mut self, buf: &mut ReadBuf<'_>) -> bool {
        if self.taken == self.plaintext.len() {
            return false;
        }
        let n = buf.remaining().min(self.plaintext.len() - self.taken);
        buf.put_slice(&self.plaintext[self.taken..self.taken + n]);
        self.taken += n;
        if self.taken == self.plaintext.len() {
            self.plaintext = Vec::new();
            self.taken = 0;
        }
        true
    }
}

/// Copies a decrypted record to the reader's buffer (when reading, and nothing is waiting
/// before it), and what does not fit to `rest`.
fn deliver(payload: &[u8], want: &mut Want<'_, '_>, rest: &mut Vec<u8>) {
    let fits = match want {
        Want::Read(sink) if rest.is_empty() => {
            let n = sink.remaining().min(payload.len());
            sink.put_slice(&payload[..n]);
            n
        }
        _ => 0,
    };
    rest.extend_from_slice(&payload[fits..]);
}

/// Appends what `produce` writes to `outgoing`: first asked with no room, then, if it says how
/// much it needs (`needs`), with that much.
fn append<E>(
    outgoing: &mut Vec<u8>,
    mut produce: impl FnMut(&mut [u8]) -> Result<usize, E>,
    needs: impl Fn(&E) -> Option<usize>,
) -> io::Result<()>
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let start = outgoing.len();
    let written = match produce(&mut []) {
        Ok(n) => n,
        Err(e) => match needs(&e) {
            Some(size) => {
                outgoing.resize(start + size, 0);
                produce(&mut outgoing[start..]).map_err(invalid)?
            }
            None => return Err(invalid(e)),
        },
    };
    outgoing.truncate(start + written);
    Ok(())
}

fn invalid(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl AsyncRead for TlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.take_plaintext(buf) || this.read_done {
                return Poll::Ready(Ok(()));
            }
            let before = buf.filled().len();
            let driven = this.drive(Want::Read(buf))?;
            // Send what rustls produced (a key update, an alert) before waiting for the peer.
            this.try_send()?;
            if buf.filled().len() > before || matches!(driven, Driven::Closed) {
                return Poll::Ready(Ok(()));
            }
            if this.taken < this.plaintext.len() || this.read_done {
                continue;
            }
            if !ready!(this.poll_receive(cx))? {
                // The peer closed the connection without close_notify: the end of the stream
                // all the same (HTTP and WebSocket framing tell a truncated message).
                this.read_done = true;
            }
        }
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.outgoing.len() - this.sent >= TLS_WRITE_PENDING_BYTES {
            ready!(this.poll_send(cx))?;
        }
        if this.close_sent {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        let data = &data[..data.len().min(TLS_WRITE_PENDING_BYTES)];
        if data.is_empty() {
            return Poll::Ready(Ok(0));
        }
        match this.drive(Want::Write(data))? {
            Driven::Queued => {}
            Driven::Closed => return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            Driven::NeedBytes => return Poll::Ready(Err(invalid("TLS connection not writable"))),
        }
        // Start sending at once; what the socket does not take now goes with the next write
        // or flush.
        if let Poll::Ready(Err(e)) = this.poll_send(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.close_sent {
            this.close_sent = true;
            // Nothing to queue when the connection is already closed or failed.
            let _ = this.drive(Want::Close);
        }
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};
    use std::io::{Read, Write};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server configuration with a fresh self-signed certificate for `localhost`, and a client
    /// configuration that trusts it and speaks only `versions`.
    fn configs(
        versions: &[&'static SupportedProtocolVersion],
    ) -> (Arc<ServerConfig>, Arc<ClientConfig>) {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let pair = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
            .expect("a self-signed certificate");
        let cert = CertificateDer::from(pair.cert.der().to_vec());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pair.signing_key.serialize_der()));
        let server = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .expect("a server configuration");
        let mut roots = RootCertStore::empty();
        roots.add(cert).expect("the certificate is a root");
        let client = ClientConfig::builder_with_protocol_versions(versions)
            .with_root_certificates(roots)
            .with_no_client_auth();
        (Arc::new(server), Arc::new(client))
    }

    /// A blocking TLS client (rustls's own buffered connection) on `addr`.
    fn client(
        addr: std::net::SocketAddr,
        config: Arc<ClientConfig>,
    ) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
        let tcp = std::net::TcpStream::connect(addr).expect("connects");
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("sets a timeout");
        let name = "localhost".try_into().expect("a server name");
        let conn = rustls::ClientConnection::new(config, name).expect("a client connection");
        rustls::StreamOwned::new(conn, tcp)
    }

    /// Bytes that differ from one position to the next, so that a reordering shows.
    fn pattern(len: usize, seed: usize) -> Vec<u8> {
        (0..len)
            .map(|i| ((i * 31 + seed * 7) % 251) as u8)
            .collect()
    }

    /// Sizes around the record size (16 KiB) and larger than the write limit.
    const SIZES: [usize; 7] = [1, 1_000, 16_384, 16_385, 40_000, 70_000, 3];

    /// Echoes `total` bytes, reading with a small buffer, then checks that the idle stream
    /// holds no buffer; then reads until the client closes and closes in turn.
    async fn echo(mut stream: TlsStream, total: usize) -> io::Result<usize> {
        let mut buf = [0u8; 1_000];
        let mut echoed = 0;
        while echoed < total {
            let n = stream.read(&mut buf).await?;
            assert!(n > 0, "the client closed after {echoed} of {total} bytes");
            stream.write_all(&buf[..n]).await?;
            stream.flush().await?;
            echoed += n;
        }
        assert_eq!(
            (
                stream.incoming.capacity(),
                stream.plaintext.capacity(),
                stream.outgoing.capacity()
            ),
            (0, 0, 0),
            "an idle stream holds no buffer"
        );
        let n = stream.read(&mut buf).await?;
        stream.shutdown().await?;
        Ok(n)
    }

    async fn round_trips(versions: &[&'static SupportedProtocolVersion]) {
        let (server, client_config) = configs(versions);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        let total: usize = SIZES.iter().sum();
        let served = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await?;
            let stream = accept(tcp, server).await?;
            echo(stream, total).await
        });
        let client = tokio::task::spawn_blocking(move || {
            let mut tls = client(addr, client_config);
            for (i, size) in SIZES.into_iter().enumerate() {
                let sent = pattern(size, i);
                tls.write_all(&sent).expect("writes");
                tls.flush().expect("flushes");
                let mut back = vec![0u8; size];
                tls.read_exact(&mut back).expect("reads the echo");
                assert!(back == sent, "echo {i} ({size} bytes) differs");
            }
            let version = tls.conn.protocol_version();
            tls.conn.send_close_notify();
            tls.flush().expect("sends close_notify");
            // The server's close_notify ends the stream cleanly (without it, rustls reports an
            // unexpected end).
            let mut rest = Vec::new();
            tls.read_to_end(&mut rest).expect("a clean close");
            assert!(rest.is_empty());
            version
        });
        let limit = Duration::from_secs(20);
        let version = tokio::time::timeout(limit, client)
            .await
            .expect("in time")
            .expect("the client");
        let after_close = tokio::time::timeout(limit, served)
            .await
            .expect("in time")
            .expect("the server task")
            .expect("the server side");
        assert_eq!(after_close, 0, "the client's close_notify ends the stream");
        assert_eq!(version, Some(versions[0].version));
    }

    #[tokio::test]
    async fn tls13_round_trips_and_closes_cleanly() {
        round_trips(&[&rustls::version::TLS13]).await;
    }

    #[tokio::test]
    async fn tls12_round_trips_and_closes_cleanly() {
        round_trips(&[&rustls::version::TLS12]).await;
    }

    /// A client speaking plain HTTP to the TLS port: the handshake fails, and the client is
    /// told so with an alert record.
    #[tokio::test]
    async fn plain_http_fails_the_handshake_with_an_alert() {
        let (server, _) = configs(&[&rustls::version::TLS13]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        let served = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accepts");
            accept(tcp, server).await.map(|_| ())
        });
        let mut tcp = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        tcp.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .expect("writes");
        let result = tokio::time::timeout(Duration::from_secs(10), served)
            .await
            .expect("in time")
            .expect("the server task");
        assert!(result.is_err(), "the handshake must fail");
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer))
            .await
            .expect("in time")
            .expect("reads");
        assert_eq!(answer.first(), Some(&21), "an alert record: {answer:?}");
    }

    /// A client that closes before finishing the handshake.
    #[tokio::test]
    async fn a_client_gone_during_the_handshake_is_an_error() {
        let (server, _) = configs(&[&rustls::version::TLS13]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("an address");
        let served = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.expect("accepts");
            accept(tcp, server).await.map(|_| ())
        });
        let mut tcp = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        // The start of a ClientHello record, then nothing.
        tcp.write_all(&[22, 3, 1, 0, 200, 1]).await.expect("writes");
        drop(tcp);
        let result = tokio::time::timeout(Duration::from_secs(10), served)
            .await
            .expect("in time")
            .expect("the server task");
        assert!(result.is_err());
    }
}
