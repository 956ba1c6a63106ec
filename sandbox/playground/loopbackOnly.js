// Preloaded (node -r) into the Agents Playground, whose server calls listen(port) with no host and so binds every
// interface. Our rule: servers we start listen on 127.0.0.1 only. This forces a host on listen(port[, cb]) calls.
'use strict';
const net = require('node:net');
const original = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if ((typeof args[0] === 'number' || typeof args[0] === 'string' && /^\d+$/.test(args[0])) && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !('path' in args[0]) && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return original.apply(this, args);
};
