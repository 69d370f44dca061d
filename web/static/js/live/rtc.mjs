// WebRTC for the live pages (docs/protocol.md, "WebRTC").
//
// The helper makes the offer, the sharer answers, whatever the sharer is (this web app or the
// native agent): a `recvonly` video section plus the `"input"` data channel, with every candidate
// gathered before the offer is sent (no trickle). The sharer answers with its screen track on that
// video section. A sharer that needs a fresh connection (it reloaded, or picked another screen)
// sends `{"type":"renegotiate"}`; the helper then offers again. Signals are the `data` of the live
// socket's `signal` messages.

const GATHER_TIMEOUT_MS = 2000;

/** Resolves once ICE gathering is complete (or after a timeout: what was gathered then is used). */
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState === 'complete') {
        pc.removeEventListener('icegatheringstatechange', done);
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = setTimeout(() => {
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    }, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', done);
  });
}

/** The helper's side: receives the sharer's screen into a `<video>`. */
export class HelperPeer {
  /**
   * @param {{video: HTMLVideoElement, iceServers: RTCIceServer[], send: (data: object) => boolean,
   *          onChange?: (state: string) => void, onInputChannel?: (ch: RTCDataChannel) => void}} opts
   */
  constructor(opts) {
    this.opts = opts;
    this.pc = null;
    this.input = null;
    this.generation = 0;
  }

  /** Starts a new connection (closing any old one) and sends the offer. */
  async offer() {
    const gen = ++this.generation;
    this.close();
    const pc = new RTCPeerConnection({ iceServers: this.opts.iceServers });
    this.pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    this.input = pc.createDataChannel('input', { ordered: true });
    this.opts.onInputChannel?.(this.input);
    pc.ontrack = (ev) => {
      const stream = ev.streams && ev.streams[0] ? ev.streams[0] : new MediaStream([ev.track]);
      this.opts.video.srcObject = stream;
      this.opts.video.play().catch(() => {});
    };
    pc.onconnectionstatechange = () => this.opts.onChange?.(pc.connectionState);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    if (gen !== this.generation) return;
    this.opts.send({ type: 'offer', sdp: pc.localDescription.sdp });
  }

  /** Handles the sharer's signalling. */
  async signal(data) {
    if (!data || typeof data !== 'object') return;
    if (data.type === 'answer' && typeof data.sdp === 'string') {
      if (this.pc && this.pc.signalingState === 'have-local-offer') {
        await this.pc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
      }
    } else if (data.type === 'renegotiate') {
      await this.offer();
    } else if (data.candidate && this.pc && this.pc.remoteDescription) {
      await this.pc.addIceCandidate(data).catch(() => {});
    }
  }

  get connected() {
    return !!this.pc && this.pc.connectionState === 'connected';
  }

  close() {
    if (this.pc) {
      this.pc.ontrack = null;
      this.pc.onconnectionstatechange = null;
      this.pc.close();
    }
    this.pc = null;
    this.input = null;
  }
}

/** The web sharer's side: sends a screen track in answer to the helper's offer. */
export class SharerPeer {
  /**
   * @param {{iceServers: RTCIceServer[], send: (data: object) => boolean, onChange?: (state: string) => void}} opts
   */
  constructor(opts) {
    this.opts = opts;
    this.pc = null;
    this.track = null;
    this.pending = null;
  }

  /** The screen track to send; answers an offer that waited for it, or asks for a new one. */
  setTrack(track) {
    this.track = track;
    if (this.pending) {
      const offer = this.pending;
      this.pending = null;
      this.answer(offer);
    } else if (this.pc && this.sender) {
      this.sender.replaceTrack(track).catch(() => this.renegotiate());
    } else {
      this.renegotiate();
    }
  }

  /** Asks the helper for a new offer. */
  renegotiate() {
    this.opts.send({ type: 'renegotiate' });
  }

  async signal(data) {
    if (!data || typeof data !== 'object') return;
    if (data.type === 'offer' && typeof data.sdp === 'string') {
      if (!this.track) {
        this.pending = data;
        return;
      }
      await this.answer(data);
    } else if (data.candidate && this.pc && this.pc.remoteDescription) {
      await this.pc.addIceCandidate(data).catch(() => {});
    }
  }

  async answer(offer) {
    this.close();
    const pc = new RTCPeerConnection({ iceServers: this.opts.iceServers });
    this.pc = pc;
    pc.onconnectionstatechange = () => this.opts.onChange?.(pc.connectionState);
    // The web sharer is view only: the helper's "input" channel is accepted and ignored.
    pc.ondatachannel = () => {};
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    const video = pc.getTransceivers().find((tr) => tr.receiver.track && tr.receiver.track.kind === 'video');
    if (video) {
      video.direction = 'sendonly';
      await video.sender.replaceTrack(this.track);
      this.sender = video.sender;
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    if (this.pc !== pc) return;
    this.opts.send({ type: 'answer', sdp: pc.localDescription.sdp });
  }

  close() {
    if (this.pc) {
      this.pc.onconnectionstatechange = null;
      this.pc.close();
    }
    this.pc = null;
    this.sender = null;
  }
}
