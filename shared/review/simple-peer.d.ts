// y-webrtc imports simple-peer's prebuilt browser bundle, which ships no types.
declare module 'simple-peer/simplepeer.min.js' {
  const Peer: { prototype: Record<string, unknown> };
  export default Peer;
}
