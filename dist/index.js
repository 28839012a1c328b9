import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 6552:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(7528);


/***/ }),

/***/ 7528:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var net = __nccwpck_require__(9278);
var tls = __nccwpck_require__(4756);
var http = __nccwpck_require__(8611);
var https = __nccwpck_require__(5692);
var events = __nccwpck_require__(4434);
var assert = __nccwpck_require__(2613);
var util = __nccwpck_require__(9023);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
exports.debug = debug; // for test


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 5434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// NAMESPACE OBJECT: ./node_modules/@actions/core/lib/platform.js
var platform_namespaceObject = {};
__nccwpck_require__.r(platform_namespaceObject);
__nccwpck_require__.d(platform_namespaceObject, {
  arch: () => (arch),
  getDetails: () => (getDetails),
  isLinux: () => (isLinux),
  isMacOS: () => (isMacOS),
  isWindows: () => (isWindows),
  platform: () => (platform)
});

// NAMESPACE OBJECT: ./node_modules/@actions/core/lib/core.js
var core_namespaceObject = {};
__nccwpck_require__.r(core_namespaceObject);
__nccwpck_require__.d(core_namespaceObject, {
  ExitCode: () => (ExitCode),
  addPath: () => (addPath),
  debug: () => (debug),
  endGroup: () => (endGroup),
  error: () => (error),
  exportVariable: () => (exportVariable),
  getBooleanInput: () => (getBooleanInput),
  getIDToken: () => (getIDToken),
  getInput: () => (getInput),
  getMultilineInput: () => (getMultilineInput),
  getState: () => (getState),
  group: () => (group),
  info: () => (info),
  isDebug: () => (isDebug),
  markdownSummary: () => (markdownSummary),
  notice: () => (notice),
  platform: () => (platform_namespaceObject),
  saveState: () => (saveState),
  setCommandEcho: () => (setCommandEcho),
  setFailed: () => (setFailed),
  setOutput: () => (setOutput),
  setSecret: () => (setSecret),
  startGroup: () => (startGroup),
  summary: () => (summary),
  toPlatformPath: () => (toPlatformPath),
  toPosixPath: () => (toPosixPath),
  toWin32Path: () => (toWin32Path),
  warning: () => (warning)
});

// EXTERNAL MODULE: external "os"
var external_os_ = __nccwpck_require__(857);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_.EOL);
}
function issue(name, message = '') {
    issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
// EXTERNAL MODULE: external "fs"
var external_fs_ = __nccwpck_require__(9896);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_.appendFileSync(filePath, `${toCommandValue(message)}${external_os_.EOL}`, {
        encoding: 'utf8'
    });
}
function prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_.EOL}${convertedValue}${external_os_.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(8611);
var external_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_http_, 2);
// EXTERNAL MODULE: external "https"
var external_https_ = __nccwpck_require__(5692);
var external_https_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_https_, 2);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var tunnel = __nccwpck_require__(6552);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/node_modules/undici/index.js
// See package.json: the one name @actions/http-client imports from undici, never constructed here.
class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled with this action: HttpClient.getAgentDispatcher() is not supported')
  }
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};





var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = pm.getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = ['OPTIONS', 'GET', 'DELETE', 'HEAD'];
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? external_https_namespaceObject : external_http_namespaceObject;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || external_http_.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new external_https_.Agent(options) : new external_http_.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var auth_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_.constants.R_OK | external_fs_.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = _summary;
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, external_path_namespaceObject.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/node_modules/@actions/exec/index.js
// See package.json: the one name @actions/core's platform module imports from @actions/exec, never called here.
function getExecOutput() {
  throw new Error('@actions/exec is not bundled with this action: core.platform.getDetails() is not supported')
}

;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_.platform();
const arch = external_os_.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function setSecret(secret) {
    issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${external_path_namespaceObject.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_.EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function debug(message) {
    issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/errors.ts
class PlatformError extends Error {
    info;
    constructor(info) {
        super(describeFailure(info));
        this.info = info;
        this.name = 'PlatformError';
    }
}
const STATUS_TEXT = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    408: 'Request Timeout',
    409: 'Conflict',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout'
};
/** Hints that hold for every platform; a provider's own hints take precedence. */
const GENERIC_HINTS = {
    400: 'the platform rejected the request: check the IDs and values in the step inputs.',
    401: 'the token was not accepted: regenerate the API token on the platform and update the secret.',
    403: "the token's account is not allowed to do this: check the plan or licence and the token's permissions.",
    404: 'check the IDs in the step inputs.',
    408: 'the platform timed out; run the job again.',
    429: 'the platform is rate-limiting these requests; run the job again later or poll less often.',
    500: 'the platform failed; run the job again later and check the platform status page.'
};
/** What went wrong, in a few words: "HTTP 401 Unauthorized", "no connection (ECONNREFUSED)". */
function whatFailed(f) {
    let what;
    switch (f.kind) {
        case 'http':
            what = `HTTP ${f.status}${STATUS_TEXT[f.status ?? 0] ? ` ${STATUS_TEXT[f.status ?? 0]}` : ''}${f.detail ? ` (${f.detail})` : ''}`;
            break;
        case 'network':
            what = `no connection (${f.detail})`;
            break;
        case 'tls':
            what = `the server's TLS certificate was not accepted (${f.detail})`;
            break;
        case 'dns':
            what = `the host name did not resolve (${f.detail})`;
            break;
        case 'proxy':
            what = `${f.detail}, so no connection to the platform was made`;
            break;
        case 'rate-limited':
            what = `rate limited: the platform asked for no requests until ${f.detail}, past the step's deadline`;
            break;
        case 'wrong-run':
            what = `the answer was about run ${f.detail}, not the run asked for`;
            break;
        case 'timeout':
            what = `no answer within ${f.detail}`;
            break;
        case 'not-json':
            what = `HTTP ${f.status} with a body that is not JSON (${f.detail}), likely an error page from a proxy or gateway`;
            break;
        case 'shape':
            what = `the answer did not have the documented shape (${f.detail})`;
            break;
        case 'redirect':
            what = `HTTP ${f.status}, a redirect to ${f.detail}, which is not followed with credentials`;
            break;
        case 'too-large':
            what = `the answer was larger than ${f.detail}`;
            break;
        case 'aborted':
            what = 'the step was cancelled';
            break;
    }
    return what;
}
function describeFailure(f) {
    const what = whatFailed(f);
    const said = (f.platformMessage ? ` ${f.platform} said: "${f.platformMessage}".` : '') +
        // Said plainly, so nobody goes looking for a run that a request which never left could not start.
        (!f.reached && f.kind !== 'aborted' ? ` The request never reached ${f.platform}.` : '') +
        (f.budgetExhausted ? ' The retry budget of this step is exhausted, so it was not retried.' : '');
    const hint = f.hint ? ` What to do: ${f.hint}` : '';
    return `${f.platform}: could not ${f.action} (${f.endpoint}): ${what}.${said}${hint}`;
}
function hintFor(f, own) {
    switch (f.kind) {
        case 'http': {
            const s = f.status ?? 0;
            return own[s] ?? GENERIC_HINTS[s] ?? (s >= 500 ? GENERIC_HINTS[500] : undefined);
        }
        case 'rate-limited':
            return 'raise `timeoutMinutes`, or poll less often so the platform does not limit the requests.';
        case 'wrong-run':
            return 'the platform or a proxy in front of it answered for another run; check `baseUrl` points at the platform API, and report it to the platform if it persists.';
        case 'timeout':
            return 'the platform is slow or unreachable; run the job again later.';
        case 'not-json':
            return 'the platform or a proxy in front of it is failing; run the job again later, and check `baseUrl` points at the API.';
        case 'shape':
            return 'the platform API may have changed; please open an issue on this action with this message.';
        case 'redirect':
            return 'set `baseUrl` to the final API address so no redirect is needed.';
        case 'too-large':
            return 'check `baseUrl` points at the platform API.';
        default:
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/clock.ts
const realClock = {
    now: () => performance.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, Math.min(Math.max(0, ms), 2 ** 31 - 1));
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
    random: Math.random
};
/**
 * A signal that aborts with `parent`, or as a timeout after `ms`. (Not AbortSignal.any with
 * AbortSignal.timeout: on Node 20 the timeout signal inside it may be collected and never fire.)
 */
function budgeted(parent, ms, why = 'the time budget ran out') {
    const c = new AbortController();
    const onAbort = () => c.abort(parent?.reason);
    if (parent?.aborted)
        onAbort();
    else
        parent?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => c.abort(new DOMException(why, 'TimeoutError')), ms);
    return {
        signal: c.signal,
        release: () => {
            clearTimeout(timer);
            parent?.removeEventListener('abort', onAbort);
        }
    };
}

;// CONCATENATED MODULE: ./src/annotations.ts
// GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and drops the
// rest. The verdict must never be the one dropped: until it is given, every other annotation
// leaves one place of its kind free, and one that finds no place goes to the log as a plain line.

const ANNOTATIONS_PER_KIND = 10;
const used = { error: 0, warning: 0, notice: 0 };
let verdictGiven = false;
const LABEL = { error: 'Error', warning: 'Warning', notice: 'Notice' };
/** How many more annotations of this kind GitHub would show, keeping the verdict's place. */
function roomFor(kind) {
    return Math.max(0, ANNOTATIONS_PER_KIND - used[kind] - (verdictGiven ? 0 : 1));
}
/** An annotation that is not the verdict; a plain log line when it would crowd the verdict out. */
function annotate(kind, message, properties) {
    if (roomFor(kind) === 0) {
        info(`${LABEL[kind]}: ${properties?.title ? `${properties.title}: ` : ''}${message}`);
        return false;
    }
    used[kind]++;
    core_namespaceObject[kind](message, properties);
    return true;
}
/** The step's verdict: always shown. An error verdict also fails the step. */
function verdict(kind, message) {
    used[kind]++;
    verdictGiven = true;
    if (kind === 'error')
        setFailed(message);
    else
        core_namespaceObject[kind](message);
}
/** For tests: forget what this process annotated so far. */
function resetAnnotations() {
    used.error = used.warning = used.notice = 0;
    verdictGiven = false;
}

;// CONCATENATED MODULE: ./src/duration.ts
// A duration for people: 45s, 3m 5s, 1h 2m 0s (the log, the summary, messages).
function formatDuration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return h ? `${h}h ${m}m ${s}s` : m ? `${m}m ${s}s` : `${s}s`;
}

;// CONCATENATED MODULE: ./src/runner-files.ts
// The runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) can be unwritable: a
// container job running as another user, a full disk, a file removed by an earlier step. What the
// run did decides the verdict, never a file (docs/reliability.md, "Runner files"): a file that
// cannot be written is named once, with the cause, and never ends in a stack trace.


const WHAT = {
    GITHUB_OUTPUT: 'the step outputs',
    GITHUB_STATE: 'the state the post step reads',
    GITHUB_STEP_SUMMARY: 'the job summary'
};
// What each file not written means for the reader, after the cause.
const SO = {
    GITHUB_OUTPUT: 'later steps see no outputs of this step (treat a missing `status` as not passed)',
    GITHUB_STATE: 'the post step cannot cancel a run this step leaves behind',
    GITHUB_STEP_SUMMARY: 'the results are in this log only'
};
const reported = new Set();
/** The cause of a failed write in a few words: the system's code, or its message without a stack. */
function cause(e) {
    const err = e;
    if (typeof err?.code === 'string')
        return err.code;
    return String(err?.message ?? e)
        .split('\n')[0]
        .slice(0, 200);
}
/** The line that names an unwritable file: which, where, why, and what follows. */
function fileProblem(file, e) {
    const where = process.env[file] ? ` (${process.env[file]})` : '';
    return `Could not write ${WHAT[file]} to ${file}${where}: ${cause(e)}. The step's result is unchanged; ${SO[file]}.`;
}
/**
 * Runs one write to a runner file. A failure is reported once per file, as an error (outputs and
 * state) or a warning (the summary), and the step goes on; true when the write went through.
 */
function guardFile(file, write) {
    try {
        write();
        return true;
    }
    catch (e) {
        if (!reported.has(file)) {
            reported.add(file);
            annotate(file === 'GITHUB_STEP_SUMMARY' ? 'warning' : 'error', fileProblem(file, e));
        }
        return false;
    }
}
/** The same for a write that is asynchronous (the job summary). */
async function guardFileAsync(file, write) {
    try {
        await write();
        return true;
    }
    catch (e) {
        return guardFile(file, () => {
            throw e;
        });
    }
}
/** `core.saveState`, guarded. */
const runner_files_saveState = (name, value) => guardFile('GITHUB_STATE', () => saveState(name, value));
/** `core.setOutput`, guarded. */
const runner_files_setOutput = (name, value) => guardFile('GITHUB_OUTPUT', () => setOutput(name, value));
/** For tests: forget which files were reported. */
function resetRunnerFiles() {
    reported.clear();
}

;// CONCATENATED MODULE: ./src/text.ts
// Making untrusted text (from a platform, or from a user's input) safe for the log and the summary.
// C0/C1 control characters (except tab) and ANSI escape sequences.
const CONTROLS = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
/**
 * One log line from untrusted text: no control characters or line breaks, no workflow command
 * (a line starting with `::`, or `##[` anywhere), at most `max` characters.
 */
function oneLine(text, max = 300) {
    let s = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
    s = s.replace(/##\[/g, '#\u200b#[');
    if (s.startsWith('::'))
        s = `:\u200b${s.slice(1)}`;
    return s.length > max ? `${s.slice(0, max - 1)}\u2026` : s;
}
const HTML = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;',
    '[': '&#91;',
    ']': '&#93;',
    '(': '&#40;',
    ')': '&#41;',
    '*': '&#42;',
    _: '&#95;',
    '`': '&#96;',
    '\\': '&#92;'
};
/** Untrusted text for the job summary: HTML and Markdown both render it literally. */
function forSummary(text, max = 300) {
    return oneLine(text, max).replace(/[&<>"'|[\]()*_`\\]/g, (c) => HTML[c]);
}
/** Removes every form in which a secret could be echoed back (plain, base64, URL-encoded). */
function redact(text, secrets) {
    let s = text;
    for (const secret of secrets) {
        if (secret.length < 4)
            continue;
        for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
            s = s.split(form).join('***');
        }
    }
    return s;
}

;// CONCATENATED MODULE: ./src/report.ts
// Everything the step shows: outputs, the job summary and annotations.






/**
 * Text already escaped for the summary, with each full commit SHA shortened to 7 characters and
 * linked to its commit where the repository is known: a 40-character SHA said once, readably.
 */
function withShortShas(escaped, repositoryUrl) {
    return escaped.replace(/\b[0-9a-f]{40}\b/g, (sha) => {
        const short = `<code>${sha.slice(0, 7)}</code>`;
        return repositoryUrl ? `<a href="${forSummary(`${repositoryUrl}/commit/${sha}`, 2000)}">${short}</a>` : short;
    });
}
/** The build: a commit SHA shortened and linked to its commit, any other build as it was given. */
function buildCell(build, repositoryUrl) {
    return /^[0-9a-f]{40}$/.test(build) ? withShortShas(build, repositoryUrl) : `<code>${forSummary(build, 80)}</code>`;
}
/** The mark of each status, in the summary and the pull-request comment. */
const MARK = {
    triggered: '\ud83d\ude80',
    queued: '\u23f3',
    running: '\u23f3',
    passed: '\u2705',
    failed: '\u274c',
    cancelled: '\ud83d\udeab',
    error: '\u26a0\ufe0f',
    timed_out: '\u23f1\ufe0f'
};
const HEADLINE = {
    triggered: 'Test run created',
    queued: 'Test run queued',
    running: 'Test run still running',
    passed: 'Tests passed',
    failed: 'Tests failed',
    cancelled: 'Test run cancelled',
    error: 'Test run ended in an error',
    timed_out: 'Stopped waiting: timeout reached'
};
function durationSeconds(run) {
    if (!run.startedAt || !run.endedAt)
        return undefined;
    return Math.max(0, Math.round((run.endedAt.getTime() - run.startedAt.getTime()) / 1000));
}
/** The step outputs of a run, every value a plain string; platform text as one clean line. */
function runOutputs(provider, run) {
    const duration = durationSeconds(run);
    const values = {
        provider,
        runId: run.id,
        runName: run.name === undefined ? undefined : oneLine(run.name, 300),
        runUrl: run.url,
        status: run.status,
        providerStatus: oneLine(run.providerStatus, 100),
        totalCount: run.counts.total,
        passedCount: run.counts.passed,
        failedCount: run.counts.failed,
        skippedCount: run.counts.skipped,
        durationSeconds: duration,
        flakyCount: run.flaky
    };
    const out = {};
    // flakyCount is written only by a step that re-runs failed tests (rerunFailed): others are as they were.
    for (const [k, v] of Object.entries(values))
        if (k !== 'provider' && !(k === 'flakyCount' && v === undefined))
            out[k] = v === undefined ? '' : String(v);
    // The platform's other IDs go in `result` only: the outputs are action.yml's, no more; and none
    // of them can stand in for a field above.
    out.result = JSON.stringify({ ...run.refs, ...values });
    return out;
}
/**
 * The `failedTests` output: the failed tests as JSON a later step can use as it is, each field one
 * clean line (an error's first line), a link only to the platform's https page, the first
 * MAX_LISTED_FAILURES listed and the rest counted.
 */
function failedTestsOutput(tests) {
    const failed = tests.filter((t) => t.status === 'failed');
    return JSON.stringify({
        count: failed.length,
        tests: failed.slice(0, MAX_LISTED_FAILURES).map((t) => {
            const url = httpsHref(t.url);
            return {
                // A step of several runs names each test's run.
                ...(t.runId !== undefined ? { runId: t.runId } : {}),
                name: oneLine(t.name, 200),
                ...(t.suite ? { suite: oneLine(t.suite, 120) } : {}),
                ...(t.error ? { error: oneLine(t.error.split(/\r?\n/).find((l) => l.trim()) ?? '', 300) } : {}),
                ...(url ? { url } : {})
            };
        }),
        more: Math.max(0, failed.length - MAX_LISTED_FAILURES)
    });
}
function setFailedTests(tests) {
    runner_files_setOutput('failedTests', failedTestsOutput(tests));
}
function setOutputs(provider, run) {
    for (const [name, value] of Object.entries(runOutputs(provider, run)))
        if (!runner_files_setOutput(name, value))
            return;
}
/** A text bar of passed / failed / skipped, 20 cells wide. */
function countsBar(c, width = 20) {
    const total = c.total ?? (c.passed ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0);
    if (!total)
        return '';
    const cells = (n = 0) => Math.round((n / total) * width);
    // Failures are never rounded away: one failed test out of a thousand still shows a red cell.
    const failed = Math.max(c.failed ? 1 : 0, cells(c.failed));
    const skipped = Math.min(cells(c.skipped), width - failed);
    const passed = Math.min(cells(c.passed), width - failed - skipped);
    const rest = width - passed - failed - skipped;
    return '\ud83d\udfe9'.repeat(passed) + '\ud83d\udfe5'.repeat(failed) + '\ud83d\udfe8'.repeat(skipped) + '\u2b1c'.repeat(rest);
}
/** The counts in words above their bar ("10 total \u00b7 8 passed \u00b7 2 failed"); empty where none are reported. */
function testsCell(c) {
    if (c.total === undefined && c.passed === undefined && c.failed === undefined)
        return '';
    const parts = [
        c.total !== undefined ? `${c.total} total` : '',
        c.passed !== undefined ? `${c.passed} passed` : '',
        c.failed !== undefined ? `${c.failed} failed` : '',
        c.skipped !== undefined ? `${c.skipped} skipped` : ''
    ].filter(Boolean);
    return `${parts.join(' \u00b7 ')}<br>${countsBar(c)}`;
}
/** An https URL in its serialised form (never the raw string); undefined for anything else. */
function httpsHref(url) {
    try {
        return url && new URL(url).protocol === 'https:' ? new URL(url).href : undefined;
    }
    catch {
        return undefined;
    }
}
/** A link only to an https URL (providers keep only their web app's origin), in its serialised form. */
function report_link(text, url) {
    const href = httpsHref(url);
    if (!href)
        return forSummary(text);
    return `<a href="${forSummary(href, 2000)}">${forSummary(text)}</a>`;
}
function row(label, value) {
    return [{ data: label, header: true }, value];
}
/**
 * The run's name (a link where the platform gave one) and its ID; the ID once when it has no name,
 * or a blank one (which would make an invisible link).
 */
function runCell(run) {
    if (!run.name?.trim())
        return `<code>${report_link(run.id, run.url)}</code>`;
    return `${report_link(run.name, run.url)} <code>${forSummary(run.id)}</code>`;
}
/** Builds the job summary of a run that the platform answered for. */
function buildRunSummary(ctx, run, note) {
    const s = summary;
    const flaky = run.flaky ? ` (${run.flaky} flaky)` : '';
    s.addHeading(`${MARK[run.status]} ${HEADLINE[run.status]} on ${forSummary(ctx.platform)}${flaky}`, 2);
    // Each fact once: the heading names the platform and the verdict, so the rows give the run, the
    // platform's own word for its state, and what was run where.
    const rows = [row('Run', runCell(run)), row(`${forSummary(ctx.platform)} status`, `<code>${forSummary(run.providerStatus)}</code>`)];
    if (ctx.environment)
        rows.push(row('Environment', forSummary(ctx.environment)));
    // A build that is a commit SHA a detail already names (Gearset's source commit) is said there
    // once; any other build is always shown, whatever the details' text happens to contain.
    const build = ctx.buildVersion;
    const sha = build !== undefined && /^[0-9a-f]{40}$/.test(build);
    if (build && !(sha && ctx.details.some((d) => d.value.includes(build))))
        rows.push(row('Build', buildCell(build, ctx.repositoryUrl)));
    for (const d of ctx.details)
        rows.push(row(forSummary(d.label), withShortShas(forSummary(d.value), ctx.repositoryUrl)));
    const c = run.counts;
    if (run.status === 'triggered') {
        if (c.total !== undefined)
            rows.push(row('Test cases', String(c.total)));
    }
    else if (testsCell(c))
        rows.push(row('Tests', testsCell(c)));
    const duration = durationSeconds(run);
    // The run's own time on the platform, from its start to its end: not the step's wait, which also
    // counts the queue (the log's "elapsed").
    if (duration !== undefined)
        rows.push(row('Run time', formatDuration(duration)));
    s.addTable(rows);
    if (run.message)
        s.addQuote(forSummary(run.message));
    addNotes(ctx);
    if (run.status === 'triggered')
        s.addHeading('What happens next', 3).addRaw(`<p>${ctx.nextStep}</p>`, true);
    if (note)
        s.addRaw(`<p>${forSummary(note, 600)}</p>`, true);
}
// How many failed tests the summary lists and the log annotates; the rest are counted.
const MAX_LISTED_FAILURES = 50;
const MAX_ANNOTATED_FAILURES = 10;
/** Adds the failed tests to the job summary: name, suite, an excerpt of the error, a link. */
function buildFailedTests(tests, heading = 'Failed tests') {
    const failed = tests.filter((t) => t.status === 'failed');
    if (failed.length === 0)
        return;
    const s = summary;
    s.addHeading(`${heading} (${failed.length})`, 3);
    const rows = [
        [
            { data: 'Test', header: true },
            { data: 'Suite', header: true },
            { data: 'Error', header: true }
        ],
        ...failed
            .slice(0, MAX_LISTED_FAILURES)
            .map((t) => [report_link(t.name, t.url), forSummary(t.suite ?? '', 120), t.error ? `<code>${forSummary(t.error, 200)}</code>` : ''])
    ];
    s.addTable(rows);
    if (failed.length > MAX_LISTED_FAILURES)
        s.addRaw(`<p>\u2026and ${failed.length - MAX_LISTED_FAILURES} more: open the run for the full list.</p>`, true);
}
/** Tests that failed and then passed on a re-run (rerunFailed). */
const flakyOf = (tests) => tests.filter((t) => t.status === 'passed' && (t.earlierFailures?.length ?? 0) > 0);
/** The re-runs of the failed tests, each linked with how it ended, and why re-running stopped early. */
function buildReruns(attempts, stopped) {
    const list = attempts.map((a) => `${MARK[a.status]} ${report_link(`run ${a.id}`, a.url)} <code>${forSummary(a.providerStatus)}</code>`);
    const said = list.length > 0 ? `The failed tests were re-run ${list.length === 1 ? 'once' : `${list.length} times`}: ${list.join(', ')}.` : '';
    const why = stopped ? ` Re-running stopped: ${forSummary(stopped, 400)}; the verdict is the run's own.` : '';
    if (said || why)
        summary.addRaw(`<p>\ud83d\udd01 ${said}${why}</p>`, true);
}
/** The tests that failed and then passed on a re-run: listed apart, with the error they first failed with. */
function buildFlakyTests(flaky) {
    if (flaky.length === 0)
        return;
    summary.addHeading(`Flaky tests (${flaky.length}): passed only on a re-run`, 3);
    summary.addTable([
        [
            { data: 'Test', header: true },
            { data: 'Suite', header: true },
            { data: 'Failed first with', header: true }
        ],
        ...flaky.slice(0, MAX_LISTED_FAILURES).map((t) => {
            const first = t.earlierFailures?.[0]?.error;
            return [report_link(t.name, t.url), forSummary(t.suite ?? '', 120), first ? `<code>${forSummary(first, 200)}</code>` : ''];
        })
    ]);
}
/**
 * One annotation per failed test, in the places GitHub still shows after the step's other
 * annotations, always leaving one for the verdict (annotations.ts); the rest are counted.
 */
function annotateFailedTests(platform, tests, level) {
    const failed = tests.filter((t) => t.status === 'failed');
    const shown = failed.slice(0, Math.min(MAX_ANNOTATED_FAILURES, roomFor(level)));
    for (const t of shown) {
        annotate(level, oneLine(t.error ?? `failed (${platform} gives no error text for this test; open the run)`, 500), {
            title: oneLine(`${platform}: ${t.suite ? `${t.suite} \u203a ` : ''}${t.name}`, 200)
        });
    }
    if (failed.length > shown.length)
        info(`\u2026and ${failed.length - shown.length} more failed tests (see the job summary).`);
    return shown.length;
}
/** Builds the job summary of a failure that the platform (or the network) gave us. */
function buildErrorSummary(ctx, error, run) {
    const s = summary;
    const f = error.info;
    s.addHeading(`\u274c Could not ${forSummary(f.action)} on ${forSummary(ctx.platform)}`, 2);
    const rows = [row('Request', `<code>${forSummary(f.endpoint)}</code>`)];
    rows.push(row('Problem', forSummary(whatFailed(f), 400)));
    if (run)
        rows.push(row('Run', runCell(run)));
    s.addTable(rows);
    if (f.platformMessage)
        s.addQuote(`${forSummary(ctx.platform)} said: ${forSummary(f.platformMessage)}`);
    if (!f.reached && f.kind !== 'aborted')
        s.addRaw(`<p>The request never reached ${forSummary(ctx.platform)}, so it changed nothing there.</p>`, true);
    if (f.hint)
        s.addRaw(`<p><strong>What to do:</strong> ${forSummary(f.hint, 600)}</p>`, true);
    addNotes(ctx);
}
function addNotes(ctx) {
    for (const n of ctx.notes)
        summary.addRaw(`<p>\u26a0\ufe0f ${forSummary(n, 600)}</p>`, true);
}
/** Writes the summary built so far, when the runner gave us a summary file. */
async function writeSummary() {
    if (!process.env.GITHUB_STEP_SUMMARY) {
        summary.emptyBuffer();
        return;
    }
    // The runner drops a summary over 1 MiB whole: keep well under it.
    if (Buffer.byteLength(summary.stringify()) > MAX_SUMMARY_BYTES) {
        const kept = summary.stringify().slice(0, MAX_SUMMARY_BYTES / 2);
        summary
            .emptyBuffer()
            .addRaw(kept.slice(0, kept.lastIndexOf('\n')))
            .addRaw('\n<p>\u2026the rest of this summary was cut to stay under GitHub\u2019s size limit.</p>', true);
    }
    // A summary file that cannot be written is a warning: the verdict comes from the run (runner-files.ts).
    if (!(await guardFileAsync('GITHUB_STEP_SUMMARY', () => summary.write())))
        summary.emptyBuffer();
}
const MAX_SUMMARY_BYTES = 900 * 1024;

;// CONCATENATED MODULE: ./src/step-state.ts
// What the main step leaves for its post step, in the runner's saved state: the one place its keys
// and their meanings live (docs/reliability.md, "Post step").


// The runner hands each key to the post step as STATE_<key>.
const KEY = {
    began: 'isPost',
    runId: 'runId',
    done: 'done',
    cancelSent: 'cancelSent',
    cancelOwed: 'cancelOwed',
    idempotencyKey: 'idempotencyKey'
};
const flag = (key) => getState(key) === 'true';
/**
 * A key of one run of the step: the first run's is the key itself, the n-th run's has `_n` added
 * (a step of several runs, README "One gate over several runs"), so a step of one run saves what it
 * always did.
 */
const ofRun = (key, index) => (index === 0 ? key : `${key}_${index + 1}`);
const stepState = {
    /** The main step began: saved before its first request. A post step that finds none sends nothing. */
    began: () => flag(KEY.began),
    markBegan: () => runner_files_saveState(KEY.began, 'true'),
    /** The run this step started or attached to, by its place in the step's runs: the one a post step may cancel. */
    runId: (index = 0) => getState(ofRun(KEY.runId, index)),
    setRunId: (id, index = 0) => runner_files_saveState(ofRun(KEY.runId, index), id),
    /** The main step reported its runs to the end: nothing is left for the post step unless a cancel is owed. */
    done: () => flag(KEY.done),
    markDone: () => runner_files_saveState(KEY.done, 'true'),
    /** A cancel the platform confirmed. */
    cancelSent: (index = 0) => flag(ofRun(KEY.cancelSent, index)),
    markCancelSent: (index = 0) => runner_files_saveState(ofRun(KEY.cancelSent, index), 'true'),
    /** A cancel was wanted and not confirmed: the post step tries again. */
    cancelOwed: (index = 0) => flag(ofRun(KEY.cancelOwed, index)),
    oweCancel: (owed, index = 0) => runner_files_saveState(ofRun(KEY.cancelOwed, index), owed ? 'true' : ''),
    /** One key per invocation, kept across the main and post step: every attempt of the trigger carries it. */
    idempotencyKey: () => getState(KEY.idempotencyKey),
    setIdempotencyKey: (key) => runner_files_saveState(KEY.idempotencyKey, key)
};

;// CONCATENATED MODULE: ./src/retry-policy.ts
function parseRetryAfter(value, nowEpochMs = Date.now()) {
    const v = Array.isArray(value) ? value[0] : value;
    if (!v)
        return undefined;
    const maxMs = MAX_WAIT_MS;
    if (/^\s*\d+\s*$/.test(v))
        return Math.min(Number(v) * 1000, maxMs);
    const date = Date.parse(v);
    if (Number.isNaN(date))
        return undefined;
    return Math.min(Math.max(0, date - nowEpochMs), maxMs);
}
/**
 * The platform's time of an answer: its Date header, else this machine's clock. A Retry-After date
 * or a rate-limit reset is a time on the platform's clock, so a runner whose clock is off by
 * seconds neither sends early nor waits longer than asked.
 */
function platformNow(headers, localEpochMs = Date.now()) {
    const date = Date.parse(headers.date ?? '');
    return Number.isNaN(date) ? localEpochMs : date;
}
/** The common spelling (GitHub, many gateways): what a platform that declares none is read with. */
const COMMON_RATE_LIMIT_HEADERS = { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' };
/**
 * How long rate-limit headers ask us to wait: remaining 0 until reset (epoch seconds or an ISO
 * date) plus 1 s; a minute when the reset is missing or unreadable.
 */
function rateLimitWaitMs(headers, nowEpochMs = Date.now(), names = COMMON_RATE_LIMIT_HEADERS) {
    const get = (name) => {
        const v = headers[name];
        return Array.isArray(v) ? v[0] : v;
    };
    if (get(names.remaining)?.trim() !== '0')
        return undefined;
    const reset = get(names.reset)?.trim();
    if (!reset)
        return RATE_LIMIT_FALLBACK_MS;
    const at = /^\d+$/.test(reset) ? Number(reset) * 1000 : Date.parse(reset);
    if (Number.isNaN(at))
        return RATE_LIMIT_FALLBACK_MS;
    return Math.min(Math.max(0, at - nowEpochMs) + 1000, MAX_WAIT_MS);
}
// A rate limit with no word on how long: wait a minute (octokit's fallback).
const RATE_LIMIT_FALLBACK_MS = 60_000;
// The longest wait a platform can ask for between two attempts.
const MAX_WAIT_MS = 120_000;
// The retry budget, the AWS SDKs' standard retry token bucket: a retry costs 5 tokens (10 after a timeout),
// every successful answer gives 1 back. It bounds retry storms in a long burst of failures; the
// wait itself never ends for an empty bucket while some reads still succeed (see wait.ts).
const RETRY_BUCKET = { size: 500, retryCost: 5, timeoutCost: 10, refund: 1 };
// A request sent at or after the deadline (the wait's last look, a cancel, a report read) gets one
// attempt of this long: long enough for a healthy platform, short enough to end the step soon.
const LAST_LOOK_MS = 5000;
// In the last second before the deadline no retry is made: it would only hold up the last look.
const MIN_RETRY_WINDOW_MS = 1000;
/** Full-jitter exponential backoff before attempt `attempt + 1` (1 s base, 20 s cap). */
function backoffMs(attempt, random) {
    return random * Math.min(1000 * 2 ** (attempt - 1), 20_000);
}
/** A write that failed this way may still have been carried out by the platform. */
function mayHaveTakenEffect(f) {
    if (!f.reached || f.kind === 'redirect')
        return false;
    if (f.kind === 'http')
        return (f.status ?? 0) >= 500 && !(f.status === 503 && f.retryAfterMs !== undefined);
    return true; // timeouts, resets, unreadable or unexpected answers: the platform may have acted
}
function isRetryable(method, f) {
    const final = ['aborted', 'shape', 'redirect', 'too-large', 'tls', 'rate-limited', 'wrong-run'];
    if (final.includes(f.kind))
        return false;
    // A proxy that refused the tunnel (403, 407) says the same again; its 5xx is a gateway's blip.
    if (f.kind === 'proxy')
        return (f.proxyStatus ?? 0) >= 500;
    if (method !== 'GET') {
        if (!f.reached)
            return true;
        return (f.kind === 'http' &&
            (f.status === 429 || (f.status === 503 && f.retryAfterMs !== undefined) || (f.status === 403 && f.rateLimited === true)));
    }
    if (f.kind === 'network' || f.kind === 'dns' || f.kind === 'timeout' || f.kind === 'not-json')
        return true;
    const s = f.status ?? 0;
    return s === 408 || s === 429 || (s === 403 && f.rateLimited === true) || (s >= 500 && s !== 501);
}

;// CONCATENATED MODULE: ./src/model.ts
// The common run model: the only things that cross from a platform's wire format into waiting and
// reporting. It imports nothing: inputs, providers, wait and report all import it.
const PROVIDER_NAMES = ['evaficy', 'testsigma', 'testery', 'gearset'];
const TERMINAL_STATUSES = ['passed', 'failed', 'cancelled', 'error'];

;// CONCATENATED MODULE: ./src/schedule.ts
const DEFAULT_SCHEDULE = { minMs: 1000 };
// A platform whose runs report no counts: every read at a steady 15 s, queued or running. For the
// reads spent, a steady pace sees an end that nothing predicts soonest (p95); the quick start
// below cost such runs about 20 reads a run for a p95 0.4 s better (BENCHMARKS.md, part 1).
const CRUISE_MS = 15_000;
// Until the counts of a platform that reports them move: every 2.5 s for the first 30 s (a run that
// ends in seconds is seen within ~3 s, and the first counts date the rate), easing to 15 s by minute two.
const QUICK_MS = 2500;
const QUICK_UNTIL_MS = 30_000;
const CRUISE_FROM_MS = 120_000;
// With progress counts: wait a share of the predicted remaining time (at most half of it), at most
// a minute (a run that ends early, e.g. aborted, is still seen within a minute), at least 2 s.
const PREDICTED_CAP_MS = 60_000;
// How much of the prediction the counts can promise. Tests completing one after another are a
// renewal process: the spread of the completions counted between reads, over their expected number
// (the index of dispersion), estimates the squared coefficient of variation (CV\u00b2) of one test's
// time, and the time r tests still take varies by about CV/\u221ar of its prediction. The step sleeps
// only as long as the end cannot come unless those tests go SURE_Z standard deviations faster than
// predicted: near half the prediction while many even tests are left, down to a tenth of it when
// a few uneven ones (or counts that arrive in bursts) are, but not below the overdue reads' 8 s.
const SURE_Z = 2;
const MOST_SHARE = 0.5;
const LEAST_SHARE = 0.1;
// Fewer reads than this with progress between them tell nothing of the spread: half, as before.
const SPREAD_MIN_INTERVALS = 3;
const NEAR_END_MS = 2000;
// Past the predicted end (all tests done, the run finishing): 2 s, growing 1.3x per read to 8 s;
// after half a minute past it, a quarter of the time since (up to the 15 s cruise).
const OVERDUE_MAX_MS = 8000;
// The readings the spread is taken from, and the changes of the count the rate is taken from.
const KEPT = 20;
// Every test counted but the run goes on (plan hooks, videos, reports), or a first failure that may
// stop it: the end can come at any read and nothing predicts when. Reads stay as dense as the
// overdue reads' growth allows, never easing past 9 s: with \u00b110 % jitter a gap of 9.9 s at most,
// so such an end is seen at least as soon as a 10 s poller sees it.
const FINISHING_MAX_MS = 9000;
// Counts that stood still this many times longer than the run's usual time per test (and at least
// half a minute) were stopped (an agent or device restarting): that time is left out of the rate.
const STOP_FACTOR = 10;
const STOP_MIN_MS = 30_000;
/** Plans the next read from what has been seen so far. One planner per wait. */
class PollPlanner {
    s;
    /** The latest readings with counts, for the spread of the completions between them. */
    seen = [];
    /**
     * The latest changes of the count: each the first reading that showed it. A count tells where the
     * run was when it changed, not when it was read again: counts that stand still (a platform that
     * refreshes them every 30 s, a slow test) are as old as the first reading that showed them. And
     * the readings of a long wait on one slow test do not push the changes before it out of the rate.
     */
    changes = [];
    overdueReads = 0;
    overdueSince;
    /** A first test failed and none has completed since: the run may be stopping on it. */
    stoppingAt;
    lastFailed = 0;
    queuedSince;
    runningSince = 0;
    /** Why the last delay was chosen, for the debug log. */
    reason = '';
    constructor(s) {
        this.s = s;
    }
    /** Records a state read at `t` (ms since the wait began). */
    observe(t, state) {
        // How long it has been queued, and since when it runs: a queue says nothing of the run's length.
        if (state.status === 'queued')
            this.queuedSince ??= t;
        else if (this.queuedSince !== undefined) {
            this.queuedSince = undefined;
            this.runningSince = t;
        }
        const c = state.counts;
        if (state.status !== 'running' || !c.total)
            return;
        const executed = (c.passed ?? 0) + (c.failed ?? 0);
        // A running run whose counts already account for every test reports the ones still to run as
        // skipped ("not executed"): those are not done.
        const done = executed + (c.skipped ?? 0) >= c.total ? executed : executed + (c.skipped ?? 0);
        const o = { t, done: Math.min(done, c.total), total: c.total };
        const latest = this.seen[this.seen.length - 1];
        // A first failed test: until another test completes, the run may be stopping on it.
        if ((c.failed ?? 0) > 0 && this.lastFailed === 0)
            this.stoppingAt = o.done;
        else if (this.stoppingAt !== undefined && o.done > this.stoppingAt)
            this.stoppingAt = undefined;
        this.lastFailed = c.failed ?? 0;
        this.seen.push(o);
        if (this.seen.length > KEPT)
            this.seen.shift();
        if (latest?.done === o.done)
            return;
        this.changes.push(o);
        if (this.changes.length > KEPT)
            this.changes.shift();
    }
    /** The latest counts account for every test: what is left of the run is not tests. */
    allCounted() {
        const last = this.seen[this.seen.length - 1];
        return last !== undefined && last.done >= last.total;
    }
    /**
     * The predicted time left (ms) from the rate at which tests complete, or undefined when the
     * counts do not tell yet (no counts, or no progress between two reads).
     */
    remainingMs(t) {
        const last = this.seen[this.seen.length - 1];
        if (!last)
            return undefined;
        if (last.done >= last.total)
            return 0;
        const rate = this.rate();
        if (rate === undefined)
            return undefined;
        return (last.total - last.done) / rate.perMs - (t - rate.at);
    }
    /**
     * Tests done per ms over the changes kept, from the first with fewer done to the last, leaving
     * out the time of a stop: a stretch between two changes far longer per test than the others.
     */
    rate() {
        const last = this.changes[this.changes.length - 1];
        const from = this.changes.findIndex((o) => o.done < last.done);
        if (from < 0 || last.t <= this.changes[from].t)
            return undefined;
        const steps = this.changes
            .slice(from + 1)
            .map((o, i) => ({ ms: o.t - this.changes[from + i].t, done: o.done - this.changes[from + i].done }));
        const perTest = steps.map((x) => x.ms / x.done).sort((a, b) => a - b);
        const usual = perTest[Math.floor((perTest.length - 1) / 2)];
        const kept = steps.filter((x) => x.ms / x.done <= usual * STOP_FACTOR || x.ms < STOP_MIN_MS);
        const ms = kept.reduce((a, x) => a + x.ms, 0);
        if (ms <= 0)
            return undefined;
        return { perMs: kept.reduce((a, x) => a + x.done, 0) / ms, at: last.t };
    }
    /**
     * The share of the predicted time left that the step may sleep: MOST_SHARE while the counts are
     * even or too few to judge, less the fewer and the more unevenly completing tests are left.
     */
    sureShare() {
        const rate = this.rate();
        const last = this.seen[this.seen.length - 1];
        const from = this.seen.findIndex((o) => o.done < last.done);
        if (!rate || from < 0 || this.seen.length - 1 - from < SPREAD_MIN_INTERVALS)
            return MOST_SHARE;
        let squares = 0;
        let expected = 0;
        for (let i = from + 1; i < this.seen.length; i++) {
            const e = rate.perMs * (this.seen[i].t - this.seen[i - 1].t);
            squares += (this.seen[i].done - this.seen[i - 1].done - e) ** 2;
            expected += e;
        }
        const cvLeft = Math.sqrt(squares / expected / Math.max(1, last.total - last.done));
        return Math.min(MOST_SHARE, Math.max(LEAST_SHARE, 1 - SURE_Z * cvLeft));
    }
    /** The wait before the next read, given the time since the wait began. */
    nextDelayMs(t, random) {
        if (this.s.fixedMs !== undefined) {
            this.reason = 'the fixed pollIntervalSeconds';
            return Math.max(this.s.fixedMs, this.s.minMs);
        }
        const remaining = this.remainingMs(t);
        let delay;
        if (this.s.noProgressCounts) {
            delay = CRUISE_MS;
            this.reason = 'the platform reports no progress counts: a steady 15 s';
        }
        else if (this.queuedSince !== undefined) {
            // The longer a run has waited in the queue, the longer it is likely to wait still.
            const queued = t - this.queuedSince;
            delay = Math.min(CRUISE_MS, Math.max(QUICK_MS, queued / 4));
            this.reason = `queued for ${Math.round(queued / 1000)} s: a quarter of that, between 2.5 s and 15 s`;
        }
        else if (remaining === undefined) {
            delay = blindDelayMs(t - this.runningSince);
            this.reason = 'no progress counts to predict the end from yet: the quick, easing schedule';
        }
        else if (this.allCounted() || this.stoppingAt !== undefined) {
            // Every test counted, or a first failure: the end may come at any read (FINISHING_MAX_MS).
            delay = Math.min(FINISHING_MAX_MS, NEAR_END_MS * 1.3 ** this.overdueReads++);
            this.reason = this.allCounted()
                ? `every test is counted and the run goes on: finishing read ${this.overdueReads}, 2 s growing to 9 s`
                : `a test failed and no other has completed since: the run may stop on it; read ${this.overdueReads}, 2 s growing to 9 s`;
        }
        else if (remaining > 0) {
            this.overdueReads = 0;
            this.overdueSince = undefined;
            const share = this.sureShare();
            // However little the counts promise, no denser than the overdue reads (unless half the
            // predicted time is shorter still).
            delay = Math.min(PREDICTED_CAP_MS, Math.max(NEAR_END_MS, remaining * share, Math.min(remaining / 2, OVERDUE_MAX_MS)));
            this.reason = `the counts predict the end in ${Math.round(remaining / 1000)} s: ${Math.round(share * 100)} % of that (as sure as the counts' spread allows), between 2 s and 60 s`;
        }
        else {
            // As for a queue: the longer the run has overrun its prediction, the less that says, so past
            // half a minute the gaps grow to a quarter of the overrun, up to 15 s.
            this.overdueSince ??= t;
            const overrun = t - this.overdueSince;
            delay = Math.min(CRUISE_MS, Math.max(overrun / 4, Math.min(OVERDUE_MAX_MS, NEAR_END_MS * 1.3 ** this.overdueReads++)));
            this.reason = `past the predicted end for ${Math.round(overrun / 1000)} s: overdue read ${this.overdueReads}, 2 s growing to 8 s, then a quarter of the overrun up to 15 s`;
        }
        // \u00b110 % so that many jobs started together do not read in step.
        return Math.max(this.s.minMs, Math.round(delay * (0.9 + 0.2 * random())));
    }
}
/** Until counts predict the end: quick, easing to the steady pace. */
function blindDelayMs(t) {
    if (t < QUICK_UNTIL_MS)
        return QUICK_MS;
    if (t >= CRUISE_FROM_MS)
        return CRUISE_MS;
    return QUICK_MS + ((t - QUICK_UNTIL_MS) / (CRUISE_FROM_MS - QUICK_UNTIL_MS)) * (CRUISE_MS - QUICK_MS);
}

;// CONCATENATED MODULE: ./src/wait.ts
// Following a run until it ends: the polling schedule, the deadline, and what a failed poll means.
// Time comes from an injected clock, so tests run hours of polling in milliseconds.






/** The step stopped waiting because it was told to (workflow cancelled). */
class WaitAborted extends Error {
    last;
    constructor(last) {
        super('stopped waiting: the step was cancelled');
        this.last = last;
        this.name = 'WaitAborted';
    }
}
/** A read failed in a way that waiting longer cannot fix (bad token, run gone, API changed). */
class WaitFailed extends Error {
    cause;
    last;
    constructor(cause, last, message = cause.message) {
        super(message);
        this.cause = cause;
        this.last = last;
        this.name = 'WaitFailed';
    }
}
/** A status answer that names another run than the one asked about. */
function otherRun(platform, asked, answered) {
    return new PlatformError({
        platform,
        action: `read the status of run ${asked}`,
        endpoint: 'the run status',
        kind: 'wrong-run',
        detail: oneLine(answered, 128),
        reached: true
    });
}
function isTerminal(s) {
    return TERMINAL_STATUSES.includes(s.status);
}
/** A pass only counts when the platform's own counts agree: a "pass" with failed tests is a failure. */
function checked(s) {
    if (s.status === 'passed' && (s.counts.failed ?? 0) > 0) {
        return { ...s, status: 'failed', message: `${s.providerStatus} reported with ${s.counts.failed} failed tests` };
    }
    return s;
}
/** A one-line progress report: state, counts, elapsed. */
function progressLine(s, elapsedMs) {
    const c = s.counts;
    const parts = [`${s.status} (${oneLine(s.providerStatus || 'no status', 60)})`];
    if (c.total !== undefined || c.passed !== undefined || c.failed !== undefined) {
        const done = (c.passed ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0);
        parts.push(`${done}/${c.total ?? '?'} done: ${c.passed ?? 0} passed, ${c.failed ?? 0} failed`);
    }
    if (elapsedMs !== undefined)
        parts.push(`${formatDuration(Math.round(elapsedMs / 1000))} elapsed`);
    return parts.join(' \u00b7 ');
}
const fingerprint = (s) => JSON.stringify([s.status, s.providerStatus, s.counts]);
/**
 * Polls until the run ends or the deadline passes. Returns the final state: terminal, or
 * `timed_out` after one last look. A failed read is "unknown this time", never "the run failed":
 * only a long unreachable window, or an answer no retry can change, ends the wait early.
 */
async function waitForRun(first, o) {
    const { provider, clock } = o;
    const status = provider.status?.bind(provider);
    if (!status)
        throw new Error(`${provider.title} has no status API`);
    const started = clock.now();
    const deadline = o.deadline ?? started + o.timeoutMs;
    const maxUnreachable = o.maxUnreachableMs ?? 10 * 60_000;
    const notFoundGrace = o.notFoundGraceMs ?? 60_000;
    const warned = new Set();
    let last = checked(first);
    let seen = fingerprint(last);
    const planner = new PollPlanner(o.schedule);
    planner.observe(0, last);
    let failingSince;
    o.log(progressLine(last, 0));
    const read = async () => {
        try {
            const s = checked(await status(o.ctx, last.id, o.signal));
            o.debug?.(`Status of run ${oneLine(s.id, 64)}: ${oneLine(s.providerStatus || '(no word)', 100)} \u2192 ${s.status} ${JSON.stringify(s.counts)}`);
            // Only our run decides our verdict: an answer about another run is no reading of ours.
            if (s.id !== last.id)
                throw otherRun(provider.title, last.id, s.id);
            failingSince = undefined;
            return s;
        }
        catch (e) {
            if (o.signal?.aborted)
                throw new WaitAborted(last);
            if (!(e instanceof PlatformError))
                throw e;
            const now = clock.now();
            const f = e.info;
            // An empty retry bucket stops retries inside one read, never the wait: the lost-contact
            // window below is what ends a wait for lack of answers (docs/how-it-works.md, Reliability: retry budget). A pause the platform asked
            // for that outlasts the deadline lets the wait run out to it and end as timed out.
            const tolerable = isRetryable('GET', { ...f, budgetExhausted: undefined }) ||
                f.kind === 'rate-limited' ||
                f.kind === 'wrong-run' ||
                (f.kind === 'http' && f.status === 404 && o.justCreated && now - started < notFoundGrace);
            if (!tolerable)
                throw new WaitFailed(e, last);
            if (f.kind === 'wrong-run' && !warned.has(`run:${f.detail}`)) {
                warned.add(`run:${f.detail}`);
                o.warn(`${e.message} It is not taken as a reading of run ${last.id}; still waiting.`);
            }
            failingSince ??= now;
            if (now - failingSince >= maxUnreachable) {
                throw new WaitFailed(e, last, `Lost contact with ${provider.title} for ${formatDuration(Math.round((now - failingSince) / 1000))} while waiting for run ${last.id}: ${e.message}`);
            }
            o.log(`Could not read the run status this time (${oneLine(e.message, 200)}); still waiting.`);
            return undefined;
        }
    };
    while (!isTerminal(last)) {
        const now = clock.now();
        if (now >= deadline) {
            // One last look: the run may have ended while we slept.
            const final = await read().catch((e) => {
                if (e instanceof WaitAborted)
                    throw e;
                return undefined;
            });
            if (final)
                last = final;
            if (isTerminal(last))
                break;
            return { ...last, status: 'timed_out' };
        }
        try {
            // A pause the platform asked for (Retry-After, rate-limit headers, on any answer) is kept by
            // the HTTP client, which holds every request until it is over; the wait sleeps through it
            // rather than asking for reads that may not be sent.
            const planned = planner.nextDelayMs(now - started, clock.random);
            const paused = o.ctx.http?.pausedForMs() ?? 0;
            const delay = Math.max(planned, paused);
            o.debug?.(`Next status read in ${(delay / 1000).toFixed(1)} s: ${paused > planned ? `the platform asked for a pause of ${(paused / 1000).toFixed(1)} s` : planner.reason}.`);
            await clock.sleep(Math.min(delay, deadline - now), o.signal);
        }
        catch {
            throw new WaitAborted(last);
        }
        // Woken at the deadline: the last look above is the one read left.
        if (clock.now() >= deadline)
            continue;
        const next = await read();
        if (!next)
            continue;
        if (next.unknownWord && !warned.has(next.unknownWord)) {
            warned.add(next.unknownWord);
            o.warn(`${provider.title} reported the status "${oneLine(next.unknownWord, 60)}", which this action does not know: it is not taken as the end of the run; still waiting.`);
        }
        last = next;
        planner.observe(clock.now() - started, last);
        if (fingerprint(last) !== seen) {
            seen = fingerprint(last);
            o.log(progressLine(last, clock.now() - started));
            o.onState?.(last);
        }
    }
    return last;
}

;// CONCATENATED MODULE: ./src/cancel.ts
// Stopping a run on the platform: when the step times out, when the workflow is cancelled, and in
// the post step. Never throws: what happened comes back as an outcome (docs/reliability.md, "Stops").






// The runner sends SIGINT, then SIGTERM 7.5 s later, then kills: a cancel call must fit in that.
const CANCEL_TIMEOUT_MS = 5000;
/**
 * Asks the platform to stop a run, within `budgetMs`. Never throws. Only a confirmed cancel (a 2xx
 * answer) counts as done; one that failed or got no answer is owed, and the post step tries again.
 */
async function cancelRemote(s, run, budgetMs = CANCEL_TIMEOUT_MS) {
    if (!s.provider.cancel)
        return { done: false, owed: false, why: `${s.provider.title} has no cancel call: run ${run.id} goes on there.` };
    const refused = s.provider.refuseCancel?.(run);
    // The reason quotes the platform's last status word: one line, like all platform text in the log.
    if (refused)
        return { done: false, owed: false, why: `Did not cancel run ${run.id} on ${s.provider.title}: ${oneLine(refused, 500)}` };
    stepState.oweCancel(true, s.index);
    const started = Date.now();
    const left = () => budgetMs - (Date.now() - started);
    // The cancel has its own budget; the wait's deadline, which has passed by now, does not apply.
    const ctx = { ...s.ctx, http: s.ctx.http.until(Infinity) };
    if (s.provider.otherRunsAtRisk) {
        // A stop that can reach another run is sent only while ours is the only one (docs/reliability.md, "Stops").
        try {
            const risk = await s.provider.otherRunsAtRisk(ctx, run, AbortSignal.timeout(Math.max(left(), 1)));
            if (risk) {
                // Not owed: the post step would find the same other run.
                stepState.oweCancel(false, s.index);
                return { done: false, owed: false, why: `Did not cancel run ${run.id} on ${s.provider.title}: ${oneLine(risk, 600)}` };
            }
        }
        catch (e) {
            const why = e instanceof PlatformError ? whatFailed(e.info) : 'an unexpected error';
            // A server without the listing (404, 405, 501) will never show it: ours is stopped unchecked,
            // and the log says so. A listing that failed for now is tried again by the post step.
            const absent = e instanceof PlatformError && [404, 405, 501].includes(e.info.status ?? 0);
            if (!absent)
                return {
                    done: false,
                    owed: true,
                    why: `Did not cancel run ${run.id} on ${s.provider.title}: could not check that no other run of it would be stopped (${why}).`
                };
            info(`Could not list the other runs before stopping run ${run.id} (${why}): stopping it without that check.`);
        }
    }
    if (s.provider.cancelCaveat)
        info(s.provider.cancelCaveat);
    try {
        await s.provider.cancel(ctx, run, AbortSignal.timeout(Math.max(left(), 1)));
        stepState.markCancelSent(s.index);
        stepState.oweCancel(false, s.index);
        info(`Cancelled run ${run.id} on ${s.provider.title}.`);
        await confirmStopped(s, ctx, run.id, left());
        return { done: true };
    }
    catch (e) {
        const why = e instanceof PlatformError && e.info.kind === 'timeout'
            ? `no answer within ${(budgetMs / 1000).toFixed(0)} s; it may still be cancelled, check ${s.provider.runsPage}.`
            : e instanceof PlatformError
                ? e.message
                : oneLine(redact(String(e), [s.inputs.token]));
        // A refusal the platform means (a 4xx other than 408 and 429: no such run, a token it refuses) is
        // not owed: sending the same call again would get the same answer.
        const status = e instanceof PlatformError && e.info.kind === 'http' ? (e.info.status ?? 0) : 0;
        const definite = status >= 400 && status < 500 && status !== 408 && status !== 429;
        if (definite)
            stepState.oweCancel(false, s.index);
        // A sentence, so the line after it ("The post step \u2026 tries again.") reads as its own.
        const said = /[.!?]$/.test(why) ? why : `${why}.`;
        return { done: false, owed: !definite, why: `Could not cancel run ${run.id} on ${s.provider.title}: ${said}` };
    }
}
/** Reads the run once more after a stop and says whether it stopped; a read that fails says so too. */
async function confirmStopped(s, ctx, runId, budgetMs) {
    if (!s.provider.status || budgetMs < 200)
        return;
    try {
        const after = await s.provider.status(ctx, runId, AbortSignal.timeout(budgetMs));
        if (after.id !== runId)
            return;
        info(isTerminal(after)
            ? `Run ${runId} has stopped (${oneLine(after.providerStatus, 100)}).`
            : `Run ${runId} still shows ${oneLine(after.providerStatus, 100) || after.status} after the stop: ${s.provider.title} may take a moment, or the stop did not reach it; check ${s.provider.runsPage}.`);
    }
    catch {
        info(`Could not read run ${runId} again after the stop: check ${s.provider.runsPage} that it stopped.`);
    }
}
/** Cancels at the timeout or on a signal: a warning when it did not happen, saying what comes next. */
async function cancelNow(s, run) {
    const outcome = await cancelRemote(s, run);
    if (outcome.done)
        return true;
    annotate('warning', outcome.owed ? `${outcome.why} The post step of this action tries again.` : outcome.why);
    return false;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./node_modules/zod/v4/core/util.js

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ (/* unused pure expression or super */ null && (Symbol("evaluating")));
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key \u2014 an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function util_isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const allowsEval = /* @__PURE__*/ (/* unused pure expression or super */ null && (cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (globalConfig.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
})));
function isPlainObject(o) {
    if (util_isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (util_isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to \u2014 the same check instance is shared by every clone of that schema \u2014 so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function util_issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together \u2014 see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype \u2014 never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback \u2014 rest and defaulted parameters both report arity 0 \u2014 and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure \u2014 the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/core.js
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, \u2026) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` \u2014 unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                members(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const core_globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(core_globalConfig, newConfig);
    return core_globalConfig;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/errors.js


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object \u2014 it accepts any object \u2014
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = $constructor("$ZodError", initializer);
const $ZodRealError = $constructor("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   \u2716 Expected number, received string at "username
 * favoriteNumbers[0]
 *   \u2716 Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`\u2716 ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  \u2192 at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new $ZodAsyncError();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse($ZodRealError);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync($ZodRealError);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse($ZodRealError);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync($ZodRealError);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ (/* unused pure expression or super */ null && (Symbol.for("zod.compile.invalid")));
const COMPILE_FALLBACK = /* @__PURE__ */ (/* unused pure expression or super */ null && (Symbol.for("zod.compile.fallback")));
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new core.$ZodAsyncError();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode($ZodRealError);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode($ZodRealError);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync($ZodRealError);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync($ZodRealError);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode($ZodRealError);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode($ZodRealError);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync($ZodRealError);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync($ZodRealError);

;// CONCATENATED MODULE: ./src/network-errors.ts
// What a failed exchange says about whether the request reached the platform, and what to do.
// "Never sent" matters most for a trigger: then no run can have started, and the message must
// not send the reader looking for one.

// Certificate checks that failed before any byte of the request was sent (Node's TLS error codes).
const TLS_CODES = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'CERT_REJECTED',
    'CERT_REVOKED',
    'CERT_SIGNATURE_FAILURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'EPROTO'
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
// Connection failures where nothing was sent: safe to re-send even a trigger.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const CA_HINT = 'the runner does not trust the certificate the server presented. If the platform (or a proxy that inspects TLS) uses a private certificate authority, ' +
    'give the runner its certificate with the environment variable NODE_EXTRA_CA_CERTS=/path/to/ca.pem; check `baseUrl` otherwise. This action never turns certificate checks off.';
const PROTOCOL_HINT = 'the server did not speak TLS: check `baseUrl` (https:// to a plain-HTTP port?) and the proxy settings.';
const DNS_HINT = 'the host name could not be resolved: check the spelling of `baseUrl`, and that the runner has DNS for it (a self-hosted runner behind a proxy needs HTTPS_PROXY).';
const PROXY_AUTH_HINT = 'the proxy asked for credentials (407): put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:8080, or ask who runs the proxy.';
const PROXY_REFUSED_HINT = 'the proxy in HTTPS_PROXY refused to open a connection to the platform: ask who runs it to allow the platform\u2019s host, or, if the runner reaches the platform directly, add the host to NO_PROXY.';
const PROXY_DOWN_HINT = 'the proxy in HTTPS_PROXY could not be reached: check HTTPS_PROXY, or add the platform\u2019s host to NO_PROXY if the runner reaches it directly.';
const CONNECT_HINT = 'check `baseUrl` and that the runner can reach the platform (a self-hosted runner behind a proxy needs HTTPS_PROXY).';
/** Classifies an error thrown by the transport before any answer arrived. */
function classifyNetworkError(e) {
    const err = e;
    const code = typeof err?.code === 'string' ? err.code : undefined;
    const message = typeof err?.message === 'string' ? err.message : String(e);
    // The tunnel agent of @actions/http-client reports every failed CONNECT as ECONNRESET with this message.
    const tunnel = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=(.*))$/s.exec(message);
    if (tunnel?.[1]) {
        const status = Number(tunnel[1]);
        return {
            kind: 'proxy',
            detail: `the proxy answered the CONNECT with ${status}`,
            reached: false,
            proxyStatus: status,
            hint: status === 407 ? PROXY_AUTH_HINT : PROXY_REFUSED_HINT
        };
    }
    if (tunnel) {
        const cause = /\b(E[A-Z_]+)\b/.exec(tunnel[2] ?? '')?.[1] ?? oneLine(tunnel[2] ?? '', 60);
        return { kind: 'network', detail: `proxy unreachable: ${cause}`, reached: false, hint: PROXY_DOWN_HINT };
    }
    if (code && TLS_CODES.has(code)) {
        const protocol = code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER';
        return { kind: 'tls', detail: code, reached: false, hint: protocol ? PROTOCOL_HINT : CA_HINT };
    }
    if (code && DNS_CODES.has(code))
        return { kind: 'dns', detail: code, reached: false, hint: DNS_HINT };
    const detail = code ?? oneLine(message, 80);
    return { kind: 'network', detail, reached: !NOT_CONNECTED.has(detail), hint: CONNECT_HINT };
}

;// CONCATENATED MODULE: ./src/exchange.ts



/**
 * Sends one request and reads its answer. Throws what `fail` makes of a failure before a whole
 * answer arrived: never sent, reset, timed out, aborted by the signal, or larger than the cap.
 */
async function exchange(client, x, fail, signal) {
    let message;
    let timer;
    let onAbort;
    // Settles with a timeout or abort failure; whichever of it and the exchange comes first wins.
    const interrupted = new Promise((_, reject) => {
        timer = setTimeout(() => {
            message?.destroy();
            reject(fail({ kind: 'timeout', detail: x.timeoutDetail, reached: true }));
        }, x.timeoutMs);
        onAbort = () => {
            message?.destroy();
            reject(fail(abortedBy(signal, true)));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
    const send = async () => {
        let res;
        try {
            res = await client.request(x.method, x.url, x.payload, x.headers);
        }
        catch (e) {
            const n = classifyNetworkError(e);
            throw fail({ kind: n.kind, detail: n.detail, reached: n.reached, proxyStatus: n.proxyStatus, hint: n.hint });
        }
        message = res.message;
        const status = res.message.statusCode ?? 0;
        const text = await readCapped(res.message, x.maxBytes).catch((e) => {
            throw fail({
                kind: e.message === 'too-large' ? 'too-large' : 'network',
                detail: e.message === 'too-large' ? formatBytes(x.maxBytes) : 'connection closed while reading the answer',
                status,
                reached: true
            });
        });
        return { status, headers: res.message.headers, text };
    };
    try {
        return await Promise.race([send(), interrupted]);
    }
    finally {
        clearTimeout(timer);
        if (onAbort)
            signal?.removeEventListener('abort', onAbort);
        interrupted.catch(() => undefined);
    }
}
/** What an answer means: its data, checked against the schema, or the failure it is. */
function interpret(a, r, fail) {
    const { status } = a;
    if (status >= 300 && status < 400) {
        const location = a.headers.location;
        let where = 'an unknown place';
        try {
            where = location ? new URL(location, r.url).origin : where;
        }
        catch {
            /* keep the default */
        }
        throw fail({ kind: 'redirect', status, detail: where, reached: true });
    }
    let json;
    let isJson = true;
    try {
        // The token, in any form a platform could echo it (a test's error that logged a request's
        // headers), is gone before anything is read: no summary, output or JUnit file can carry it.
        json = a.text === '' ? undefined : JSON.parse(redact(a.text, r.secrets));
    }
    catch {
        isJson = false;
    }
    if (status < 200 || status >= 300) {
        const said = isJson ? r.errorMessage?.(json) : undefined;
        const platformMessage = said ? oneLine(redact(said, r.secrets), 300) : undefined;
        if (!isJson && status >= 500) {
            throw fail({ kind: 'not-json', status, detail: contentKind(a.headers), reached: true, retryAfterMs: r.retryAfterMs });
        }
        throw fail({ kind: 'http', status, platformMessage, reached: true, retryAfterMs: r.retryAfterMs, rateLimited: r.rateLimited });
    }
    // A 2xx must be JSON (or empty); an HTML page with 200 is a proxy's or a login page.
    const type = String(a.headers['content-type'] ?? '');
    if (a.text !== '' && !/^application\/([\w.+-]*\+)?json\b/i.test(type))
        isJson = false;
    if (!isJson)
        throw fail({ kind: 'not-json', status, detail: contentKind(a.headers), reached: true });
    const parsed = safeParse(r.schema, json);
    if (!parsed.success)
        throw fail({ kind: 'shape', status, detail: shapeDetail(parsed.error), reached: true });
    const date = Date.parse(String(a.headers.date ?? ''));
    return { data: parsed.data, ...(Number.isFinite(date) && { clockOffsetMs: date - Date.now() }) };
}
/** Why a request stopped when its signal fired: a caller's AbortSignal.timeout() is a timeout, not a cancellation. */
function abortedBy(signal, inFlight) {
    const timedOut = signal?.reason?.name === 'TimeoutError';
    return timedOut ? { kind: 'timeout', detail: 'the time allowed', reached: inFlight } : { kind: 'aborted', reached: inFlight };
}
/** Names the first place a response departs from its schema, never the value found there. */
function shapeDetail(error) {
    const issue = error.issues[0];
    const path = issue.path.length ? issue.path.join('.') : 'body';
    const expected = 'expected' in issue && typeof issue.expected === 'string' ? `expected ${issue.expected}` : issue.code;
    return `${path}: ${expected}`;
}
const formatBytes = (n) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`);
function contentKind(headers) {
    const type = String(headers['content-type'] ?? 'no content type').split(';')[0];
    return oneLine(type, 60);
}
function readCapped(msg, max) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        msg.on('data', (c) => {
            size += c.length;
            if (size > max) {
                msg.destroy();
                reject(new Error('too-large'));
            }
            else
                chunks.push(c);
        });
        let ended = false;
        msg.on('end', () => {
            ended = true;
            resolve(Buffer.concat(chunks).toString('utf8'));
        });
        msg.on('error', reject);
        msg.on('close', () => {
            if (!ended)
                reject(new Error('closed'));
        });
    });
}

;// CONCATENATED MODULE: ./src/read-pacer.ts
// Paces a step's reads under a limit other readers share unseen (Gearset: 5 status reads per 5 s
// per job, for everyone; docs/platforms.md point 11). Reads left in the window that this step did
// not use, others did: the spacing grows while they fill it (at least doubles on a refusal), shrinks
// back to the platform's own pace when it is quiet, and is jittered once others are seen, so steps
// that started together drift apart. A step alone is never slowed.
// Slower steps see the end later: past this spacing the shared limit is not the reason to wait.
const MAX_SPACING_MS = 30_000;
// Grow on a crowded window, more on a refusal; shrink slowly, so a crowd stays spread out.
const CROWDED_GROWTH = 1.5;
const REFUSED_GROWTH = 2;
const QUIET_SHRINK = 0.8;
// Readers that keep the window at most 40 % used rarely meet a full one: reads arriving at random
// into a window of 5 find it full 5 % of the time at a mean of 2 a window, 11 % at 2.5 and 37 % at 4.
// Each step slows down while it sees more than 2 of 5 used, aiming at about 5 % refused (the bench,
// 12 steps: about 5 % on the median, up to 8 %; at half the window 8-10 %, as the 11 % foretold).
const TARGET_SHARE = 0.4;
class ReadPacer {
    limit;
    baseMs;
    spacing;
    last = -Infinity;
    jitter = 1;
    /** Another reader has been seen: others' reads in a window, or a refusal. */
    crowded = false;
    /** A refusal came before any other sign of readers (taken as a blip, once). */
    refusedAlone = false;
    constructor(limit) {
        this.limit = limit;
        this.baseMs = limit.perMs / limit.count;
        this.spacing = this.baseMs;
    }
    /** The current spacing between this step's reads, ms (before jitter). */
    get spacingMs() {
        return this.spacing;
    }
    /** Clock time before which the next read is not sent. */
    nextAt() {
        // Jitter only once another reader has been seen: a step alone keeps the platform's own pace.
        const gap = this.crowded ? this.spacing * this.jitter : this.spacing;
        return this.last + Math.min(MAX_SPACING_MS, gap);
    }
    /** A read is sent at `now`; `random` in [0, 1) draws the jitter of the next gap (0.5-1.5x). */
    sent(now, random) {
        this.last = now;
        this.jitter = 0.5 + random;
    }
    /**
     * An answer under the limit: `remaining` reads left in the platform's window, of which this step
     * made `own` within that window (this one included).
     */
    answered(remaining, own) {
        const used = this.limit.count - remaining;
        const others = used - own;
        if (others <= 0) {
            this.spacing = Math.max(this.baseMs, this.spacing * QUIET_SHRINK);
            return;
        }
        this.crowded = true;
        // Slow down further while the window is more than 40 % used; ease off while it is not.
        const next = used > this.limit.count * TARGET_SHARE ? this.spacing * CROWDED_GROWTH : this.spacing * QUIET_SHRINK;
        this.spacing = Math.min(MAX_SPACING_MS, Math.max(this.fairMs(others), next));
    }
    /**
     * The platform refused a read for the limit (429), of which this step made `own` reads within
     * the window (the refused one included): the rest of the window was other readers'. `retried`:
     * the refused read is sent again once its Retry-After is over.
     */
    refused(own, retried = true) {
        // A first refusal of a retried read with no other sign of readers (a blip, or a platform that
        // refused for its own reasons) changes nothing but is remembered: its Retry-After is the wait,
        // exactly. A second one, one after any sign of others, or one of a read nobody waits to send
        // again (a step's first read of the job, refused: others filled the window) is a crowd.
        if (retried && !this.crowded && !this.refusedAlone) {
            this.refusedAlone = true;
            return;
        }
        this.crowded = true;
        this.spacing = Math.min(MAX_SPACING_MS, Math.max(this.fairMs(this.limit.count - own + 1), this.spacing * REFUSED_GROWTH));
    }
    /**
     * Each other read seen in the window is at least one other reader: this step's fair share of
     * 40 % of the limit, as a spacing.
     */
    fairMs(others) {
        const share = (this.limit.count * TARGET_SHARE) / (1 + Math.max(0, others));
        return Math.min(MAX_SPACING_MS, Math.max(this.baseMs, this.limit.perMs / share));
    }
}

;// CONCATENATED MODULE: ./src/pauses.ts
// The pauses a platform asks for, and the pace it documents: a Retry-After or rate-limit answer
// holds the next requests (all of them, or only the same action's where the platform counts its
// limits per action), and a documented read limit, shared with other readers, spaces this step's
// reads (read-pacer.ts). Every wait ends by the deadline it is given.


/** How much longer than a platform's documented window the read limit keeps its sends. */
const READ_LIMIT_MARGIN_MS = 300;
class Pauses {
    o;
    /** No request is sent before these clock times, by pause key. */
    notBefore = new Map();
    /** This step's reads within the platform's window: when, and under which pause key. */
    recentReads = [];
    pacer;
    /** The pause key of the run-status read, once one was sent. */
    runReadKey;
    constructor(o) {
        this.o = o;
        if (o.readLimit)
            this.pacer = new ReadPacer(o.readLimit);
    }
    /** Which pause holds this request. */
    keyOf(r) {
        return this.o.limitsPerAction ? `${r.method} ${r.template}` : '*';
    }
    /** Notes the request about to be sent; the run-status read's key is the one `pausedForMs` reports. */
    sending(r) {
        if (r.readsRun)
            this.runReadKey = this.keyOf(r);
    }
    /**
     * Clock ms until the platform allows the wait's next read of the run (0: now). Where limits are
     * counted per action, that is the pause of the run-status read, whatever other actions were refused.
     */
    pausedForMs() {
        const key = this.o.limitsPerAction ? this.runReadKey : '*';
        return key === undefined ? 0 : Math.max(0, (this.notBefore.get(key) ?? 0) - this.o.clock.now());
    }
    /** The platform asked for a pause of `ms` after this request: it holds the next ones of its key. */
    asked(r, ms) {
        const key = this.keyOf(r);
        this.notBefore.set(key, Math.max(this.notBefore.get(key) ?? 0, this.o.clock.now() + ms));
    }
    /**
     * Clock ms this request must wait for a pause (0: none); `past` when the pause ends after the
     * deadline, where waiting would be pointless.
     */
    pauseFor(r, deadline) {
        const notBefore = this.notBefore.get(this.keyOf(r)) ?? 0;
        return { waitMs: Math.max(0, notBefore - this.o.clock.now()), past: notBefore > deadline };
    }
    /**
     * Waits until one more GET fits in the documented read limit, and until the pace this step keeps
     * for the readers it shares the limit with allows it (never past the deadline: the last look is sent).
     */
    async throttle(r, deadline, signal) {
        const limit = this.o.readLimit;
        const pacer = this.pacer;
        if (!limit || !pacer)
            return;
        for (;;) {
            const now = this.o.clock.now();
            // The platform counts arrivals, which jitter: a window is kept READ_LIMIT_MARGIN_MS longer.
            const window = limit.perMs + READ_LIMIT_MARGIN_MS;
            while (this.recentReads.length && now - this.recentReads[0].at >= window)
                this.recentReads.shift();
            const full = this.recentReads.length >= limit.count;
            const paced = Math.min(pacer.nextAt(), deadline) - now;
            // A pause the platform asked for while this read waited its turn (another run's read refused) holds it too.
            const paused = Math.min(this.notBefore.get(this.keyOf(r)) ?? 0, deadline) - now;
            if (!full && paced <= 0 && paused <= 0) {
                this.recentReads.push({ at: now, key: this.keyOf(r) });
                pacer.sent(now, this.o.clock.random());
                return;
            }
            const wait = Math.max(paced, paused, full ? this.recentReads[0].at + window - now + 1 : 0);
            if (paced > 0 && !full)
                debug(`  other readers share the platform's read limit: this read waits ${seconds(wait)} (spacing ${seconds(pacer.spacingMs)})`);
            await this.o.clock.sleep(wait, signal);
        }
    }
    /** What a GET's answer says of the shared read limit, for the pacer; `resent`: a refused read is sent again. */
    heard(r, status, remainingHeader, sentAt, resent) {
        const limit = this.o.readLimit;
        if (!limit || !this.pacer)
            return;
        // The platform's window counts this action's reads only, where it counts limits per action.
        const key = this.keyOf(r);
        const own = this.recentReads.filter((x) => x.key === key && sentAt - x.at < limit.perMs).length;
        // A refused read that is not sent again holds nobody to its Retry-After: it is taken for what
        // it says, a window full of other readers' reads.
        if (status === 429)
            return this.pacer.refused(own, resent);
        const v = Array.isArray(remainingHeader) ? remainingHeader[0] : remainingHeader;
        if (v !== undefined && /^\s*\d+\s*$/.test(v))
            this.pacer.answered(Number(v), own);
    }
}
const seconds = (ms) => `${ms < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(ms / 1000)} s`;

;// CONCATENATED MODULE: ./src/http.ts
// The one HTTP client (the transport) a provider talks through: the auth header, JSON in and out,
// and the retry loop, each request bounded by the deadline of the client view it is sent through
// (`until`). One exchange is exchange.ts's; the pauses a platform asks for are pauses.ts's.








/**
 * @actions/http-client hands Node the URL's hostname, and an IPv6 literal's hostname keeps its
 * brackets (`[::1]`), which Node then looks up as a name and fails (ENOTFOUND): without them it
 * connects, as every URL form docs/how-it-works.md (Reliability: network) accepts must.
 */
const ipv6Literals = {
    prepareRequest(options) {
        if (typeof options.host === 'string')
            options.host = options.host.replace(/^\[(.*)\]$/, '$1');
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not used'))
};

class HttpApi {
    o;
    deadline;
    s;
    platform;
    clock;
    /**
     * `deadline` (clock ms) bounds every request sent through this client: per-attempt timeouts shrink
     * to the time left, no retry or pause ends past it, and at or after it a request gets one short
     * attempt. `until` gives the same client bound to another deadline.
     */
    constructor(o, deadline = Infinity, s = {
        client: new HttpClient(o.userAgent ?? 'trigger-test-run', [ipv6Literals], {
            allowRedirects: false,
            allowRetries: false,
            keepAlive: false,
            socketTimeout: Math.max(o.getTimeoutMs ?? 30_000, o.postTimeoutMs ?? 60_000)
        }),
        clock: o.clock ?? realClock,
        pauses: new Pauses({ clock: o.clock ?? realClock, limitsPerAction: o.limitsPerAction, readLimit: o.readLimit }),
        tokens: RETRY_BUCKET.size
    }) {
        this.o = o;
        this.deadline = deadline;
        this.s = s;
        this.platform = o.platform;
        this.clock = s.clock;
    }
    /** The same client (its pauses, pace and retry budget) with every request bounded by `deadline`. */
    until(deadline) {
        return new HttpApi(this.o, deadline, this.s);
    }
    /**
     * The same client (its pauses, pace and retry budget) sending `key` as the Idempotency-Key: each
     * run of a step of several is started by a request of its own, never taken for another's.
     */
    startingWith(key) {
        return new HttpApi({ ...this.o, idempotencyKey: key }, this.deadline, this.s);
    }
    /** Clock ms until the platform allows the wait's next read of the run (0: now). */
    pausedForMs() {
        return this.s.pauses.pausedForMs();
    }
    /** Tokens left in the retry bucket (docs/how-it-works.md, Reliability: retry budget). */
    get retryTokens() {
        return this.s.tokens;
    }
    /** How many times this request may be sent. */
    attemptsOf(spec) {
        return spec.attempts ?? this.o.maxAttempts ?? 3;
    }
    /**
     * Sends a request, retrying where that is safe:
     * - GET: network errors, timeouts, 408/429/5xx and non-JSON answers, up to `maxAttempts`;
     * - POST and other writes: only when the request never reached the platform, or the platform
     *   refused it with 429, or 503 with Retry-After: a write is never re-sent after an ambiguous
     *   failure, so one step can never start two runs.
     * Waits use full-jitter exponential backoff (1 s base, 20 s cap) or the platform's Retry-After.
     */
    async request(spec, signal) {
        const attempts = this.attemptsOf(spec);
        for (let attempt = 1;; attempt++) {
            try {
                const reply = await this.once(spec, signal);
                this.s.tokens = Math.min(RETRY_BUCKET.size, this.s.tokens + RETRY_BUCKET.refund);
                return reply;
            }
            catch (e) {
                if (!(e instanceof PlatformError) || attempt >= attempts || !isRetryable(spec.method, e.info))
                    throw e;
                const left = this.deadline - this.clock.now();
                // At the deadline a request has had its one attempt: the step ends, honestly, now. (A retry
                // in the last second before it would only hold up the wait's last look.)
                if (left <= MIN_RETRY_WINDOW_MS)
                    throw e;
                const cost = e.info.kind === 'timeout' ? RETRY_BUCKET.timeoutCost : RETRY_BUCKET.retryCost;
                if (this.s.tokens < cost)
                    throw new PlatformError({ ...e.info, budgetExhausted: true });
                const asked = e.info.retryAfterMs ?? (e.info.rateLimited ? RATE_LIMIT_FALLBACK_MS : undefined);
                if (asked !== undefined && asked > left) {
                    // Waiting as told would outlast the step: say so now rather than sleep past the deadline.
                    const until = new Date(Date.now() + asked).toISOString();
                    throw new PlatformError({ ...e.info, detail: `rate limited until ${until}, past the step's deadline` });
                }
                const backoff = backoffMs(attempt, this.clock.random());
                const delay = asked ?? Math.min(backoff, left);
                this.s.tokens -= cost;
                const log = this.o.log ?? info;
                log(`${this.platform}: ${spec.method} ${spec.template} failed (${shortReason(e.info)}); retrying in ${(delay / 1000).toFixed(1)} s`);
                await this.clock.sleep(delay, signal).catch(() => {
                    throw this.fail(spec, abortedBy(signal, false));
                });
            }
        }
    }
    /** Holds the request until the platform's requested pause is over; never past the deadline. */
    async obeyPause(spec, signal) {
        const { waitMs, past } = this.s.pauses.pauseFor(spec, this.deadline);
        if (waitMs <= 0)
            return;
        if (past) {
            const until = new Date(Date.now() + waitMs).toISOString();
            throw this.fail(spec, { kind: 'rate-limited', detail: until, reached: false, rateLimited: true });
        }
        debug(`${spec.method} ${spec.template}: the platform asked for a pause; waiting ${(waitMs / 1000).toFixed(1)} s before sending`);
        await this.clock.sleep(waitMs, signal).catch(() => {
            throw this.fail(spec, abortedBy(signal, false));
        });
    }
    fail(spec, f) {
        const base = { ...f, platform: this.o.platform, action: spec.action, endpoint: `${spec.method} ${spec.template}`, method: spec.method };
        let hint = f.hint ?? hintFor(base, this.o.hints ?? {});
        if (spec.method !== 'GET' && mayHaveTakenEffect(base)) {
            // Saying "run the job again" here could start a second run: say where to look first.
            hint = `the request reached ${this.o.platform} before it failed, so it may have taken effect: look at ${this.o.runsPage ?? 'the platform'} before running the job again.`;
        }
        return new PlatformError({ ...base, hint });
    }
    /** One attempt: the pauses obeyed, the request sent and its answer read. */
    async once(spec, signal) {
        const pauses = this.s.pauses;
        pauses.sending(spec);
        const fail = (f) => this.fail(spec, f);
        if (signal?.aborted)
            throw fail(abortedBy(signal, false));
        await this.obeyPause(spec, signal);
        if (spec.method === 'GET') {
            try {
                await pauses.throttle(spec, this.deadline, signal);
            }
            catch {
                throw fail(abortedBy(signal, false));
            }
        }
        const url = `${this.o.baseUrl}${spec.path}`;
        const headers = {
            Accept: 'application/json',
            Authorization: this.o.authorization,
            ...this.o.headers
        };
        if (spec.creates && this.o.idempotencyKey)
            headers['Idempotency-Key'] = this.o.idempotencyKey;
        let payload = null;
        if (spec.body !== undefined) {
            payload = JSON.stringify(spec.body);
            headers['Content-Type'] = 'application/json';
        }
        const usual = spec.timeoutMs ?? (spec.method === 'GET' ? (this.o.getTimeoutMs ?? 30_000) : (this.o.postTimeoutMs ?? 60_000));
        const started = this.clock.now();
        // The attempt ends by the deadline; at or past it (the last look), it gets one short attempt.
        const timeoutMs = Math.min(usual, Math.max(this.deadline - started, this.o.lastLookMs ?? LAST_LOOK_MS));
        const answer = await exchange(this.s.client, {
            method: spec.method,
            url,
            payload,
            headers,
            timeoutMs,
            timeoutDetail: `${seconds(timeoutMs)}${timeoutMs < usual ? " (the time left before the step's deadline)" : ''}`,
            maxBytes: spec.maxBytes ?? this.o.maxBodyBytes ?? 1024 * 1024
        }, fail, signal);
        const { status } = answer;
        debug(`${spec.method} ${spec.template} -> ${status} in ${Math.round(this.clock.now() - started)} ms`);
        const names = this.o.rateLimitHeaders ?? COMMON_RATE_LIMIT_HEADERS;
        const seen = ['retry-after', names.remaining, names.reset].filter((h) => answer.headers[h] !== undefined);
        if (seen.length)
            debug(`  rate-limit headers: ${seen.map((h) => `${h}: ${oneLine(String(answer.headers[h]), 60)}`).join(', ')}`);
        if (spec.method === 'GET')
            pauses.heard(spec, status, answer.headers[names.remaining], started, this.attemptsOf(spec) > 1);
        const theirNow = platformNow(answer.headers);
        const limitMs = rateLimitWaitMs(answer.headers, theirNow, this.o.rateLimitHeaders);
        const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], theirNow) ?? limitMs;
        const rateLimited = status === 429 || limitMs !== undefined;
        // A pause the platform asked for holds every next request, of any kind, not only a retry of this one.
        const pause = retryAfterMs ?? (rateLimited ? RATE_LIMIT_FALLBACK_MS : undefined);
        if (pause !== undefined)
            pauses.asked(spec, pause);
        const read = interpret(answer, { url, schema: spec.schema, errorMessage: this.o.errorMessage, secrets: this.o.secrets, retryAfterMs, rateLimited }, fail);
        return { status, ...read };
    }
}
function shortReason(f) {
    if (f.kind === 'http')
        return `HTTP ${f.status}`;
    if (f.kind === 'not-json')
        return `HTTP ${f.status}, not JSON`;
    return f.detail ? `${f.kind}: ${f.detail}` : f.kind;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ $constructor("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !nullish(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckGreaterThan = /*@__PURE__*/ $constructor("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero \u2014 the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : util.floatSafeRemainder(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckNumberFormat = /*@__PURE__*/ $constructor("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ $constructor("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? codePointLength(input) : units;
        if (length <= def.maximum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ $constructor("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? codePointLength(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way \u2014 and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? util.codePointLength(input)
            : units;
        if (length === def.length)
            return;
        const origin = util.getLengthableOrigin(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckStringFormat = /*@__PURE__*/ $constructor("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ $constructor("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.lowercase);
    $ZodCheckStringFormat.init(inst, def);
})));
const $ZodCheckUpperCase = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.uppercase);
    $ZodCheckStringFormat.init(inst, def);
})));
const $ZodCheckIncludes = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = util.escapeRegex(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckStartsWith = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${util.escapeRegex(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckEndsWith = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${util.escapeRegex(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...util.prefixIssues(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    util.hide(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
})));
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
})));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor \u2014 a pictograph, a regional indicator, or the enclosing keycap \u2014 because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = (/* unused pure expression or super */ null && (`^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`));
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12\u201319 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = (/* unused pure expression or super */ null && (`(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`));
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ (/* unused pure expression or super */ null && (regexes_anchor(dateSource)));
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ $constructor("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = aborted(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (explicitlyAborted(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new $ZodAsyncError();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        attachSchema(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = aborted(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    attachSchema(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = aborted(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (aborted(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return hide(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function schemas_validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return schemas_validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ $constructor("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    checks.$ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
})));
const $ZodGUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.guid);
    $ZodStringFormat.init(inst, def);
})));
const $ZodUUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = regexes.uuid(v));
    }
    else
        def.pattern ?? (def.pattern = regexes.uuid());
    $ZodStringFormat.init(inst, def);
})));
const $ZodEmail = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.email);
    $ZodStringFormat.init(inst, def);
})));
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === regexes.httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodEmoji = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.emoji());
    $ZodStringFormat.init(inst, def);
})));
const $ZodNanoID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? regexes.nanoid : regexes.nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
})));
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.cuid);
    $ZodStringFormat.init(inst, def);
})));
const $ZodCUID2 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.cuid2);
    $ZodStringFormat.init(inst, def);
})));
const $ZodULID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.ulid);
    $ZodStringFormat.init(inst, def);
})));
const $ZodXID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.xid);
    $ZodStringFormat.init(inst, def);
})));
const $ZodKSUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.ksuid);
    $ZodStringFormat.init(inst, def);
})));
const $ZodISODateTime = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.datetime(def));
    $ZodStringFormat.init(inst, def);
})));
const $ZodISODate = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.date);
    $ZodStringFormat.init(inst, def);
})));
const $ZodISOTime = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.time(def));
    $ZodStringFormat.init(inst, def);
})));
const $ZodISODuration = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.duration);
    $ZodStringFormat.init(inst, def);
})));
const $ZodIPv4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.ipv4);
    $ZodStringFormat.init(inst, def);
})));
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.cidrv4);
    $ZodStringFormat.init(inst, def);
})));
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodE164 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.e164);
    $ZodStringFormat.init(inst, def);
})));
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only \u2014 the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only \u2014 checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ $constructor("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ $constructor("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodBigInt = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
})));
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ $constructor("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
})));
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
})));
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = sizeCaps(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    attachSchema(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ $constructor("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core_globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && aborted(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing \u2014 whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...prefixIssues(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = optionalKeys(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (aborted(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ $constructor("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = cached(() => normalizeDef(def));
    defineLazyInternal(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    assignProp(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = util_isObject;
    const catchall = def.catchall;
    let value;
    const memo = core_globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = util.cached(() => normalizeDef(def));
    const memo = core.globalConfig.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : util.esc(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys \u2014 and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = util.isObject;
    const jit = !core.globalConfig.jitless;
    const allowsEval = util.allowsEval;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
})));
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !aborted(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ $constructor("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    defineLazyInternal(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
(/* unused pure expression or super */ null && (core.$constructor("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    util.defineLazyInternal(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    util.assignProp(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it \u2014 pipes and lazies \u2014 are left to the map.
    def.options.forEach((option, i) => {
        const propShape = util.rawShape(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = util.cached(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isObject(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
})));
const $ZodIntersection = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
})));
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (util.isPlainObject(a) && util.isPlainObject(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (util.aborted(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = util.aborted(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (util.aborted(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
})));
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...util.prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...util.prefixIssues(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isPlainObject(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...util.prefixIssues(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...util.prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && regexes.number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...util.prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...util.prefixIssues(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
})));
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ $constructor("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = getEnumValues(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    defineLazyInternal(inst, "pattern", (zod) => {
        const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    util.defineLazyInternal(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? util.escapeRegex(o) : o ? util.escapeRegex(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ $constructor("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    core_globalConfig.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new $ZodAsyncError();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ $constructor("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    defineLazyInternal(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    util.defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    util.defineLazyInternal(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
})));
const $ZodNullable = /*@__PURE__*/ $constructor("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : undefined;
    });
    defineLazyInternal(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    util.defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
})));
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    util.defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
})));
const $ZodNonOptional = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
})));
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
})));
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ $constructor("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
})));
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    util.defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    util.defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    util.defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    util.defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
})));
const $ZodCustom = /*@__PURE__*/ $constructor("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(util_issue(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var registries_a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registry() {
    return new $ZodRegistry();
}
(registries_a = globalThis).__zod_globalRegistry ?? (registries_a.__zod_globalRegistry = registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new checks.$ZodCheckLessThan({
        check: "less_than",
        ...util.normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new checks.$ZodCheckLessThan({
        check: "less_than",
        ...util.normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new checks.$ZodCheckGreaterThan({
        check: "greater_than",
        ...util.normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new checks.$ZodCheckMultipleOf({
        check: "multiple_of",
        ...util.normalizeParams(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...normalizeParams(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new checks.$ZodCheckLengthEquals({
        check: "length_equals",
        ...util.normalizeParams(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...normalizeParams(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new checks.$ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new checks.$ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new checks.$ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...util.normalizeParams(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new checks.$ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...util.normalizeParams(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new checks.$ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...util.normalizeParams(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new checks.$ZodCheckProperties({
        check: "properties",
        shape,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new checks.$ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => util.slugify(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...normalizeParams(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util.issue(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(util.issue(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new checks.$ZodCheck({
        check: "custom",
        ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/mini/schemas.js




const ZodMiniType = /*@__PURE__*/ $constructor("ZodMiniType", (inst, def) => {
    if (!inst._zod)
        throw new Error("Uninitialized schema in ZodMiniType.");
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
}, {
    // `with` is an alias for `check`: the same function object, not a wrapper.
    get with() {
        return this.check;
    },
    set with(value) {
        own(this, "with", value);
    },
    parse(data, params) {
        return parse_parse(this, data, params, { callee: this.parse });
    },
    parseAsync(data, params) {
        return parse_parseAsync(this, data, params, { callee: this.parseAsync });
    },
    safeParse(data, params) {
        return safeParse(this, data, params);
    },
    safeParseAsync(data, params) {
        return safeParseAsync(this, data, params);
    },
    check(...checks) {
        const def = this.def;
        return this.clone({
            ...def,
            checks: [
                ...(def.checks ?? []),
                ...checks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }, { parent: true });
    },
    clone(_def, params) {
        return clone(this, _def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
});
const ZodMiniString = /*@__PURE__*/ $constructor("ZodMiniString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function schemas_string(params) {
    return _string(ZodMiniString, params);
}
const ZodMiniStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniStringFormat", (inst, def) => {
    core.$ZodStringFormat.init(inst, def);
    ZodMiniString.init(inst, def);
})));
const ZodMiniEmail = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniEmail", (inst, def) => {
    core.$ZodEmail.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_email(params) {
    return core._email(ZodMiniEmail, params);
}
const ZodMiniGUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniGUID", (inst, def) => {
    core.$ZodGUID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_guid(params) {
    return core._guid(ZodMiniGUID, params);
}
const ZodMiniUUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniUUID", (inst, def) => {
    core.$ZodUUID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_uuid(params) {
    return core._uuid(ZodMiniUUID, params);
}
// @__NO_SIDE_EFFECTS__
function uuidv4(params) {
    return core._uuidv4(ZodMiniUUID, params);
}
// ZodMiniUUIDv6
// @__NO_SIDE_EFFECTS__
function uuidv6(params) {
    return core._uuidv6(ZodMiniUUID, params);
}
// ZodMiniUUIDv7
// @__NO_SIDE_EFFECTS__
function uuidv7(params) {
    return core._uuidv7(ZodMiniUUID, params);
}
const ZodMiniURL = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniURL", (inst, def) => {
    core.$ZodURL.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function url(params) {
    return core._url(ZodMiniURL, params);
}
// @__NO_SIDE_EFFECTS__
function httpUrl(params) {
    return core._url(ZodMiniURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodMiniEmoji = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniEmoji", (inst, def) => {
    core.$ZodEmoji.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_emoji(params) {
    return core._emoji(ZodMiniEmoji, params);
}
const ZodMiniNanoID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniNanoID", (inst, def) => {
    core.$ZodNanoID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_nanoid(params) {
    return core._nanoid(ZodMiniNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodMiniCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodMiniCUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCUID", (inst, def) => {
    core.$ZodCUID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function schemas_cuid(params) {
    return core._cuid(ZodMiniCUID, params);
}
const ZodMiniCUID2 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCUID2", (inst, def) => {
    core.$ZodCUID2.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_cuid2(params) {
    return core._cuid2(ZodMiniCUID2, params);
}
const ZodMiniULID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniULID", (inst, def) => {
    core.$ZodULID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_ulid(params) {
    return core._ulid(ZodMiniULID, params);
}
const ZodMiniXID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniXID", (inst, def) => {
    core.$ZodXID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_xid(params) {
    return core._xid(ZodMiniXID, params);
}
const ZodMiniKSUID = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniKSUID", (inst, def) => {
    core.$ZodKSUID.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_ksuid(params) {
    return core._ksuid(ZodMiniKSUID, params);
}
const ZodMiniIPv4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniIPv4", (inst, def) => {
    core.$ZodIPv4.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_ipv4(params) {
    return core._ipv4(ZodMiniIPv4, params);
}
const ZodMiniIPv6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniIPv6", (inst, def) => {
    core.$ZodIPv6.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_ipv6(params) {
    return core._ipv6(ZodMiniIPv6, params);
}
const ZodMiniCIDRv4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCIDRv4", (inst, def) => {
    core.$ZodCIDRv4.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_cidrv4(params) {
    return core._cidrv4(ZodMiniCIDRv4, params);
}
const ZodMiniCIDRv6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCIDRv6", (inst, def) => {
    core.$ZodCIDRv6.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_cidrv6(params) {
    return core._cidrv6(ZodMiniCIDRv6, params);
}
const ZodMiniMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniMAC", (inst, def) => {
    core.$ZodMAC.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_mac(params) {
    return core._mac(ZodMiniMAC, params);
}
const ZodMiniBase64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniBase64", (inst, def) => {
    core.$ZodBase64.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_base64(params) {
    return core._base64(ZodMiniBase64, params);
}
const ZodMiniBase64URL = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniBase64URL", (inst, def) => {
    core.$ZodBase64URL.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_base64url(params) {
    return core._base64url(ZodMiniBase64URL, params);
}
const ZodMiniE164 = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniE164", (inst, def) => {
    core.$ZodE164.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_e164(params) {
    return core._e164(ZodMiniE164, params);
}
const ZodMiniCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_creditCard(params) {
    return core._creditCard(ZodMiniCreditCard, params);
}
const ZodMiniIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_iban(params) {
    return core._iban(ZodMiniIBAN, params);
}
const ZodMiniJWT = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniJWT", (inst, def) => {
    core.$ZodJWT.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function jwt(params) {
    return core._jwt(ZodMiniJWT, params);
}
const ZodMiniCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCustomStringFormat", (inst, def) => {
    core.$ZodCustomStringFormat.init(inst, def);
    ZodMiniStringFormat.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodMiniCustomStringFormat, format, fnOrRegex, _params);
}
// @__NO_SIDE_EFFECTS__
function schemas_hostname(_params) {
    return core._stringFormat(ZodMiniCustomStringFormat, "hostname", regexes.hostname, _params);
}
// @__NO_SIDE_EFFECTS__
function schemas_hex(_params) {
    return core._stringFormat(ZodMiniCustomStringFormat, "hex", regexes.hex, _params);
}
// @__NO_SIDE_EFFECTS__
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodMiniCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
// @__NO_SIDE_EFFECTS__
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    // check for unrecognized format
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodMiniCustomStringFormat, format, regex, params);
}
const ZodMiniNumber = /*@__PURE__*/ $constructor("ZodMiniNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function schemas_number(params) {
    return _number(ZodMiniNumber, params);
}
const ZodMiniNumberFormat = /*@__PURE__*/ $constructor("ZodMiniNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodMiniNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodMiniNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodMiniNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodMiniNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodMiniNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodMiniNumberFormat, params);
}
const ZodMiniBoolean = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniBoolean", (inst, def) => {
    core.$ZodBoolean.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_boolean(params) {
    return core._boolean(ZodMiniBoolean, params);
}
const ZodMiniBigInt = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniBigInt", (inst, def) => {
    core.$ZodBigInt.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_bigint(params) {
    return core._bigint(ZodMiniBigInt, params);
}
const ZodMiniBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodMiniBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodMiniBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodMiniBigIntFormat, params);
}
const ZodMiniSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function symbol(params) {
    return core._symbol(ZodMiniSymbol, params);
}
const ZodMiniUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_undefined(params) {
    return core._undefined(ZodMiniUndefined, params);
}

const ZodMiniNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_null(params) {
    return core._null(ZodMiniNull, params);
}

const ZodMiniAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function any() {
    return core._any(ZodMiniAny);
}
const ZodMiniUnknown = /*@__PURE__*/ $constructor("ZodMiniUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function unknown() {
    return _unknown(ZodMiniUnknown);
}
const ZodMiniNever = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniNever", (inst, def) => {
    core.$ZodNever.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function never(params) {
    return core._never(ZodMiniNever, params);
}
const ZodMiniVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_void(params) {
    return core._void(ZodMiniVoid, params);
}

const ZodMiniDate = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniDate", (inst, def) => {
    core.$ZodDate.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_date(params) {
    return core._date(ZodMiniDate, params);
}
const ZodMiniArray = /*@__PURE__*/ $constructor("ZodMiniArray", (inst, def) => {
    $ZodArray.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function array(element, params) {
    return new ZodMiniArray({
        type: "array",
        element: element,
        ...normalizeParams(params),
    });
}
// .keyof
// @__NO_SIDE_EFFECTS__
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodMiniObject = /*@__PURE__*/ $constructor("ZodMiniObject", (inst, def) => {
    $ZodObject.init(inst, def);
    ZodMiniType.init(inst, def);
    installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
});
// @__NO_SIDE_EFFECTS__
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...normalizeParams(params),
    };
    return new ZodMiniObject(def);
}
// strictObject
// @__NO_SIDE_EFFECTS__
function strictObject(shape, params) {
    return new ZodMiniObject({
        type: "object",
        shape,
        catchall: never(),
        ...util.normalizeParams(params),
    });
}
// looseObject
// @__NO_SIDE_EFFECTS__
function looseObject(shape, params) {
    return new ZodMiniObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...util.normalizeParams(params),
    });
}
// object methods
// @__NO_SIDE_EFFECTS__
function schemas_extend(schema, shape) {
    return extend(schema, shape);
}
// @__NO_SIDE_EFFECTS__
function schemas_safeExtend(schema, shape) {
    return util.safeExtend(schema, shape);
}
/**
 * @deprecated Use [`z.extend(A, B.shape)`](https://zod.dev/api?id=extend) instead.
 */
// @__NO_SIDE_EFFECTS__
function schemas_merge(a, b) {
    return util.merge(a, b);
}
// @__NO_SIDE_EFFECTS__
function schemas_pick(schema, mask) {
    return util.pick(schema, mask);
}
// .omit
// @__NO_SIDE_EFFECTS__
function schemas_omit(schema, mask) {
    return util.omit(schema, mask);
}
// @__NO_SIDE_EFFECTS__
function schemas_partial(schema, mask) {
    const def = schema._zod.def;
    if (def.type !== "tuple")
        return util.partial(ZodMiniOptional, schema, mask);
    // a refinement was authored against the full arity; partialing would run it on a shorter array
    if (def.checks?.length)
        throw new Error(".partial() cannot be used on tuple schemas containing refinements");
    return util.clone(schema, {
        ...def,
        items: def.items.map((item) => new ZodMiniOptional({ type: "optional", innerType: item })),
    });
}
// @__NO_SIDE_EFFECTS__
function exactPartial(schema, mask) {
    return util.partial(ZodMiniExactOptional, schema, mask, "exactPartial");
}
// @__NO_SIDE_EFFECTS__
function schemas_required(schema, mask) {
    return util.required(ZodMiniNonOptional, schema, mask);
}
// @__NO_SIDE_EFFECTS__
function catchall(inst, catchall) {
    // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
    return inst.clone(util.mergeDefs(inst._zod.def, { catchall: catchall }));
}
const ZodMiniUnion = /*@__PURE__*/ $constructor("ZodMiniUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function union(options, params) {
    return new ZodMiniUnion({
        type: "union",
        options: options,
        ...normalizeParams(params),
    });
}
const ZodMiniXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniXor", (inst, def) => {
    ZodMiniUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodMiniXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodMiniDiscriminatedUnion = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniDiscriminatedUnion", (inst, def) => {
    core.$ZodDiscriminatedUnion.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function discriminatedUnion(discriminator, options, params) {
    return new ZodMiniDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
const ZodMiniIntersection = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniIntersection", (inst, def) => {
    core.$ZodIntersection.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function intersection(left, right) {
    return new ZodMiniIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodMiniTuple = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniTuple", (inst, def) => {
    core.$ZodTuple.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof core.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodMiniTuple({
        type: "tuple",
        items: items,
        rest,
        ...util.normalizeParams(params),
    });
}
const ZodMiniRecord = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniRecord", (inst, def) => {
    core.$ZodRecord.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) \u2014 defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodMiniRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...util.normalizeParams(valueType),
        });
    }
    return new ZodMiniRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function partialRecord(keyType, valueType, params) {
    return new ZodMiniRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodMiniRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMiniMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniMap", (inst, def) => {
    core.$ZodMap.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function map(keyType, valueType, params) {
    return new ZodMiniMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodMiniSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniSet", (inst, def) => {
    core.$ZodSet.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function set(valueType, params) {
    return new ZodMiniSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodMiniEnum = /*@__PURE__*/ $constructor("ZodMiniEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodMiniType.init(inst, def);
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
});
// @__NO_SIDE_EFFECTS__
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodMiniEnum({
        type: "enum",
        entries,
        ...normalizeParams(params),
    });
}

// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodMiniEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodMiniLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniLiteral", (inst, def) => {
    core.$ZodLiteral.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function literal(value, params) {
    return new ZodMiniLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
const ZodMiniFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function file(params) {
    return core._file(ZodMiniFile, params);
}
const ZodMiniTransform = /*@__PURE__*/ $constructor("ZodMiniTransform", (inst, def) => {
    $ZodTransform.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function transform(fn) {
    return new ZodMiniTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodMiniOptional = /*@__PURE__*/ $constructor("ZodMiniOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function optional(innerType) {
    return new ZodMiniOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodMiniExactOptional = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniExactOptional", (inst, def) => {
    core.$ZodExactOptional.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function exactOptional(innerType) {
    return new ZodMiniExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodMiniNullable = /*@__PURE__*/ $constructor("ZodMiniNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function nullable(innerType) {
    return new ZodMiniNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
// @__NO_SIDE_EFFECTS__
function schemas_nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodMiniDefault = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniDefault", (inst, def) => {
    core.$ZodDefault.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_default(innerType, defaultValue) {
    return new ZodMiniDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
const ZodMiniPrefault = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniPrefault", (inst, def) => {
    core.$ZodPrefault.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function prefault(innerType, defaultValue) {
    return new ZodMiniPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
const ZodMiniNonOptional = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniNonOptional", (inst, def) => {
    core.$ZodNonOptional.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function nonoptional(innerType, params) {
    return new ZodMiniNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...util.normalizeParams(params),
    });
}
const ZodMiniSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function success(innerType) {
    return new ZodMiniSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodMiniCatch = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCatch", (inst, def) => {
    core.$ZodCatch.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function schemas_catch(innerType, catchValue) {
    return new ZodMiniCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : core.util.constantCatch(catchValue)),
    });
}

const ZodMiniNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function nan(params) {
    return core._nan(ZodMiniNaN, params);
}
const ZodMiniPipe = /*@__PURE__*/ $constructor("ZodMiniPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function pipe(in_, out) {
    return new ZodMiniPipe({
        type: "pipe",
        in: in_,
        out: out,
    });
}
const ZodMiniCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniCodec", (inst, def) => {
    ZodMiniPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function codec(in_, out, params) {
    return new ZodMiniCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
// @__NO_SIDE_EFFECTS__
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodMiniCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodMiniReadonly = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniReadonly", (inst, def) => {
    core.$ZodReadonly.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function readonly(innerType) {
    return new ZodMiniReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodMiniTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function templateLiteral(parts, params) {
    return new ZodMiniTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodMiniLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniLazy", (inst, def) => {
    core.$ZodLazy.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// export function lazy<T extends object>(getter: () => T): T {
//   return util.createTransparentProxy<T>(getter);
// }
// @__NO_SIDE_EFFECTS__
function schemas_lazy(getter) {
    return new ZodMiniLazy({
        type: "lazy",
        getter: getter,
    });
}

const ZodMiniPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function promise(innerType) {
    return new ZodMiniPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodMiniCustom = /*@__PURE__*/ $constructor("ZodMiniCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodMiniType.init(inst, def);
});
// custom checks
// @__NO_SIDE_EFFECTS__
function check(fn, params) {
    const ch = new core.$ZodCheck({
        check: "custom",
        ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
// ZodCustom custom schema
// @__NO_SIDE_EFFECTS__
function custom(fn, _params) {
    return _custom(ZodMiniCustom, fn ?? (() => true), _params);
}
// refine
// @__NO_SIDE_EFFECTS__
function refine(fn, _params = {}) {
    return _refine(ZodMiniCustom, fn, _params);
}
// superRefine
// @__NO_SIDE_EFFECTS__
function superRefine(fn, params) {
    return core._superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
// instanceof
class schemas_Class {
    constructor(..._args) { }
}
// @__NO_SIDE_EFFECTS__
function _instanceof(cls, params = {}) {
    const inst = custom((data) => data instanceof cls, params);
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodMiniCodec,
    Boolean: ZodMiniBoolean,
    String: ZodMiniString,
}, ...args);
// @__NO_SIDE_EFFECTS__
function json() {
    const jsonSchema = schemas_lazy(() => {
        return union([schemas_string(), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
const ZodMiniFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMiniFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodMiniType.init(inst, def);
})));
// @__NO_SIDE_EFFECTS__
function _function(params) {
    return new ZodMiniFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}


;// CONCATENATED MODULE: ./src/inputs.ts
// Reads every input of action.yml, validates it with zod, and returns one typed object.
// Every problem is collected and reported at once, one line each, naming the input.



/** Every input the action reads, in action.yml order. A test keeps this and action.yml equal. */
const INPUT_NAMES = [
    'provider',
    'token',
    'projectId',
    'scenarioId',
    'environment',
    'buildVersion',
    'runName',
    'wait',
    'timeoutMinutes',
    'pollIntervalSeconds',
    'failOnTestFailure',
    'cancelOnAbort',
    'runId',
    'junitPath',
    'baseUrl',
    'gitRef',
    'gitBranch',
    'latestDeploy',
    'updateVcsStatus',
    'variables',
    'includeTags',
    'excludeTags',
    'testFilters',
    'executionConfig',
    'annotateTests',
    'failOnNoTests',
    'failFast',
    'rerunFailed',
    'failOnFlaky',
    'previewUrl',
    'previewUrlVariable',
    'commitStatus',
    'prComment',
    'githubToken'
];
/** Defaults used when an input is empty; a test checks they equal action.yml's. */
const INPUT_DEFAULTS = {
    provider: 'evaficy',
    wait: 'false',
    timeoutMinutes: '60',
    failOnTestFailure: 'true',
    failOnNoTests: 'true',
    cancelOnAbort: 'false',
    failFast: 'false',
    rerunFailed: '0',
    failOnFlaky: 'false',
    latestDeploy: 'false',
    updateVcsStatus: 'true',
    annotateTests: 'true',
    commitStatus: 'false',
    prComment: 'false'
};
/** The most runs one step starts or follows: beyond it, an input error and nothing is sent. */
const MAX_RUNS = 20;
/** The most re-runs of a run's failed tests one step asks for. */
const MAX_RERUNS = 3;
const HEX24 = /^[0-9a-f]{24}$/i;
const DIGITS = /^[0-9]{1,18}$/;
// `.` and `..` would leave the run's route once placed in a path (docs/reliability.md, "Identifiers").
const SAFE_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
const inputs_optional = pipe(schemas_string(), transform((v) => (v === '' ? undefined : v)));
// YAML 1.2 core schema booleans, as core.getBooleanInput accepts them.
const inputs_boolean = pipe(schemas_enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'], { error: 'must be true or false' }), transform((v) => v.toLowerCase() === 'true'));
const positiveNumber = (what) => pipe(pipe(schemas_string().check(_regex(/^\s*[0-9]*\.?[0-9]+\s*$/, { error: `must be ${what}` })), transform(Number)), schemas_number().check(refine((n) => Number.isFinite(n) && n > 0, { error: `must be ${what}` })));
/** An input that may be left empty: empty is "not given", anything else must pass `inner`. */
const emptyOr = (inner) => pipe(schemas_string(), transform((v, ctx) => {
    if (v === '')
        return undefined;
    const r = safeParse(inner, v);
    if (r.success)
        return r.data;
    for (const issue of r.error.issues)
        ctx.issues.push({ code: 'custom', message: issue.message, input: v });
    return NEVER;
}));
/** Non-empty, trimmed lines (and, with `commas`, comma-separated items) of a list input. */
const items = (commas) => pipe(schemas_string(), transform((v) => v
    .split(commas ? /[,\n]/ : /\n/)
    .map((x) => x.trim())
    .filter((x) => x !== '')));
const list = (commas, what) => emptyOr(pipe(items(commas), array(schemas_string()
    .check(_maxLength(500, { error: `has an item over 500 characters; each item must be ${what}` }), _regex(/^[^\u0000-\u001f\u007f]*$/, { error: `has a control character; each item must be ${what}` })))));
// The inputs that may name several runs: comma- or line-separated, each item checked by the
// platform's own rules as a single value would be.
const runList = emptyOr(items(true));
const VARIABLE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
// KEY=value lines; `secure:KEY=value` for a value Testery should store encrypted (as its CLI's --variable).
// Problems name the line, never the value (a value may be a secret).
const variables = pipe(schemas_string(), transform((v, ctx) => {
    const out = [];
    const problem = (message) => ctx.issues.push({ code: 'custom', message, input: '' });
    v.split('\n').forEach((raw, i) => {
        const line = raw.replace(/\r$/, '');
        if (line.trim() === '' || line.trim().startsWith('#'))
            return;
        const secure = line.startsWith('secure:');
        const body = secure ? line.slice('secure:'.length) : line;
        const eq = body.indexOf('=');
        const key = eq < 0 ? '' : body.slice(0, eq).trim();
        if (!VARIABLE_KEY.test(key))
            return problem(`line ${i + 1} must be KEY=value, with a KEY of letters, digits, "_", "." or "-" (a # line is a comment)`);
        if (out.some((o) => o.key === key))
            return problem(`line ${i + 1} repeats the key ${key}; give each key once`);
        out.push({ key, value: body.slice(eq + 1), secure });
    });
    return ctx.issues.length ? NEVER : out;
}));
const LOOPBACK = /^(localhost|127(\.[0-9]{1,3}){3}|\[::1\])$/i;
const baseUrl = pipe(schemas_string(), transform((v, ctx) => {
    const problem = (message) => ctx.issues.push({ code: 'custom', message, input: v });
    let url;
    try {
        url = new URL(v);
    }
    catch {
        problem('is not a URL; give an origin such as https://api.example.com');
        return NEVER;
    }
    if (url.username || url.password)
        problem('must not contain a user name or password; pass credentials in `token`');
    const loopback = LOOPBACK.test(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        problem('must use https:// (http:// is allowed only for localhost and 127.0.0.1)');
    }
    if (url.search || url.hash)
        problem('must not have a query string or fragment');
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}));
const schema = object({
    // Checked against the registry's names in parseInputs: a name there is a ProviderName.
    provider: custom((v) => typeof v === 'string'),
    token: schemas_string().check(_minLength(1, { error: 'is required: pass the platform API token from a secret, e.g. token: ${{ secrets.TEST_PLATFORM_TOKEN }}' }), refine((t) => !/^(bearer|token)[:\s]/i.test(t), {
        error: 'starts with "Bearer" or "token"; store only the token itself, the action adds the scheme'
    }), refine((t) => !/\s/.test(t), { error: 'contains a space or line break; store only the token itself in the secret' })),
    projectId: inputs_optional,
    scenarioId: runList,
    environment: runList,
    buildVersion: inputs_optional,
    runName: inputs_optional,
    wait: inputs_boolean,
    timeoutMinutes: positiveNumber('a positive number of minutes, e.g. 30 or 0.5'),
    pollIntervalSeconds: emptyOr(pipe(positiveNumber('a number of seconds, 1 or more'), schemas_number().check(refine((n) => n >= 1, { error: 'must be 1 or more seconds' })))),
    failOnTestFailure: inputs_boolean,
    failOnNoTests: inputs_boolean,
    cancelOnAbort: inputs_boolean,
    failFast: inputs_boolean,
    rerunFailed: pipe(schemas_string().check(_regex(/^\s*[0-9]+\s*$/, { error: `must be a whole number of re-runs, 0 to ${MAX_RERUNS}` })), pipe(transform(Number), schemas_number().check(refine((n) => n <= MAX_RERUNS, {
        error: `must be at most ${MAX_RERUNS}: a test that fails ${MAX_RERUNS + 1} times is not flaky`
    })))),
    failOnFlaky: inputs_boolean,
    runId: runList,
    junitPath: inputs_optional,
    baseUrl: emptyOr(baseUrl),
    gitRef: emptyOr(schemas_string().check(_regex(/^[0-9a-f]{7,64}$/i, { error: 'must be a commit SHA (7 to 64 hex characters), e.g. ${{ github.sha }}' }))),
    gitBranch: emptyOr(schemas_string().check(_regex(/^(?!-)(?!.*\.\.)[^\s~^:?*[\\\u0000-\u001f\u007f]{1,255}$/, {
        error: 'must be a git branch name (no spaces, "..", "~", "^", ":", "?", "*", "[" or "\\"), e.g. main'
    }))),
    latestDeploy: inputs_boolean,
    updateVcsStatus: inputs_boolean,
    variables: emptyOr(variables),
    includeTags: list(true, 'a tag'),
    excludeTags: list(true, 'a tag'),
    testFilters: list(false, 'a regular expression, one per line'),
    executionConfig: emptyOr(schemas_string()
        .check(_regex(/^[^\u0000-\u001f\u007f]{1,200}$/, { error: 'must be the ID or the name of a saved run configuration, on one line' }))),
    annotateTests: inputs_boolean,
    previewUrl: emptyOr(schemas_string()),
    previewUrlVariable: emptyOr(schemas_string().check(_regex(VARIABLE_KEY, { error: 'must be a variable name of letters, digits, "_", "." or "-", e.g. BASE_URL' }))),
    commitStatus: inputs_boolean,
    prComment: inputs_boolean,
    githubToken: inputs_optional
});
/** Shows an ID in a message only when it is short and plain; otherwise only its length. */
function shown(value) {
    return /^[\w.-]{1,48}$/.test(value) ? `"${value}"` : `a ${value.length}-character value`;
}
/** Inputs every platform reads. */
const SHARED_INPUTS = [
    'provider',
    'token',
    'scenarioId',
    'wait',
    'timeoutMinutes',
    'pollIntervalSeconds',
    'failOnTestFailure',
    'failOnNoTests',
    'failFast',
    'rerunFailed',
    'failOnFlaky',
    'cancelOnAbort',
    'runId',
    'baseUrl',
    'commitStatus',
    'prComment',
    'githubToken',
    'previewUrl',
    'previewUrlVariable'
];
/** ID shapes the platforms' rules share. */
const ID_SHAPES = { hex24: HEX24, digits: DIGITS, safeId: SAFE_ID };
function platformProblems(p, rules) {
    const out = [];
    const checks = checksOf(p, out);
    rules.check(p, checks);
    checks.shape('runId', p.runId, SAFE_ID, 'a run ID of letters, digits, ".", "_" or "-", other than "." or ".."');
    return out;
}
/** The checks a provider's rules use, each problem one line added to `out`. */
function checksOf(p, out) {
    return {
        need: (name, value, what) => {
            if (value === undefined)
                out.push(`Input \`${name}\` is required for ${p.provider}: ${what}.`);
            return value !== undefined;
        },
        shape: (name, value, re, what) => {
            if (value !== undefined && !re.test(value))
                out.push(`Input \`${name}\` must be ${what} (got ${shown(value)}).`);
        },
        problem: (line) => void out.push(line)
    };
}
/**
 * A preview deploy's URL handed to the run as the variable `previewUrlVariable` names: `previewUrl`,
 * or a deployment_status event's environment_url. Only an https URL with no user name or password;
 * only on a platform whose runs take variables; never twice under one name. Adds it to
 * `p.variables` and returns the problems, one line each.
 */
function withPreviewUrl(p, rules, eventUrl) {
    const name = p.previewUrlVariable;
    if (!name)
        return p.previewUrl
            ? ['Input `previewUrl` needs `previewUrlVariable`: the name of the variable the run gets the URL as, e.g. BASE_URL.']
            : [];
    if (!rules.uses.includes('variables'))
        return [`Input \`previewUrlVariable\` cannot be used with ${p.provider}: its runs take no variables.`];
    const url = p.previewUrl ?? eventUrl;
    const from = p.previewUrl ? 'Input `previewUrl`' : "Input `previewUrlVariable`: the deployment_status event's environment_url";
    if (!url)
        return ['Input `previewUrlVariable` needs a URL: set `previewUrl`, or run the step on a deployment_status event (its environment_url).'];
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        parsed = undefined;
    }
    if (!parsed || parsed.protocol !== 'https:')
        return [`${from} must be an https:// URL.`];
    if (parsed.username || parsed.password)
        return [`${from} must not contain a user name or password (pass them as a secure: variable).`];
    if (p.variables?.some((v) => v.key === name))
        return [`Input \`previewUrlVariable\` names ${name}, which \`variables\` also sets: give it once.`];
    // The parsed form (no stray characters), without the "/" it adds to a bare host: as the user wrote it.
    const bare = parsed.pathname === '/' && !parsed.search && !parsed.hash && !url.trim().endsWith('/');
    p.variables = [...(p.variables ?? []), { key: name, value: bare ? parsed.href.slice(0, -1) : parsed.href, secure: false }];
    return [];
}
/**
 * A step written for another platform that left `provider` out is checked as the default's. The
 * signs: inputs the default does not read, or `wait: true`, which it cannot do (every other
 * platform's quick start waits). An ID alone is no sign: any platform's may be mistyped.
 */
function defaultProviderCause(provider, waits, warnings, names) {
    if (provider !== INPUT_DEFAULTS.provider || (warnings.length === 0 && !waits))
        return undefined;
    return `Input \`provider\` is \`${provider}\`, its default when the step leaves it out, so the inputs were checked as ${provider}'s: if this step is for another platform, set \`provider\` (one of ${names.join(', ')}).`;
}
/**
 * Validates the raw input strings. `defaultBuildVersion` is the commit SHA.
 * Returns every problem at once; `inputs` is set only when there are none.
 */
function parseInputs(raw, defaultBuildVersion, rulesOf, names = PROVIDER_NAMES, eventPreviewUrl) {
    const withDefaults = Object.fromEntries(INPUT_NAMES.map((n) => [n, raw[n] === '' ? (INPUT_DEFAULTS[n] ?? '') : raw[n]]));
    // Each input is parsed on its own so that one bad value does not hide the problems of the others.
    const problems = [];
    const values = {};
    for (const name of INPUT_NAMES) {
        const r = safeParse(schema.shape[name], withDefaults[name]);
        if (name === 'provider' && !names.includes(withDefaults[name]))
            problems.push(`Input \`provider\` must be one of ${names.join(', ')}.`);
        else if (r.success)
            values[name] = r.data;
        else
            problems.push(`Input \`${name}\` ${r.error.issues[0].message}.`); // the first problem of each input is enough
    }
    if (values.provider === undefined)
        return { problems, warnings: [] };
    const lists = values;
    const rules = rulesOf(values.provider);
    for (const name of rules.whole ?? [])
        lists[name] = withDefaults[name] === '' ? undefined : [withDefaults[name]];
    // An input the platform does not read names no runs (it is warned about below, and ignored).
    const runs = runsOf(rules.uses.includes('environment') ? lists : { ...lists, environment: undefined }, problems);
    const p = { ...values, ...runs[0], environment: runs[0].environment ?? lists.environment?.[0] };
    // Each run is checked as a step of that one run would be; a problem they share is said once.
    problems.push(...new Set(runs.flatMap((run) => platformProblems({ ...p, ...run }, rules))));
    if (runs.length > 1)
        rules.checkRuns?.(runs, checksOf(p, problems));
    if (p.rerunFailed > 0)
        problems.push(...rerunProblems(p, rules, runs.length));
    // Their own shapes first: a preview URL rule only speaks of inputs that parsed.
    if (!problems.some((l) => l.startsWith('Input `previewUrl')))
        problems.push(...withPreviewUrl(p, rules, eventPreviewUrl));
    // One line per problem, in action.yml's order of inputs, whichever check found it.
    const rank = (line) => INPUT_NAMES.indexOf(/^Input `(\w+)`/.exec(line)?.[1]);
    problems.sort((a, b) => rank(a) - rank(b));
    // Only what the user wrote is worth a warning, not a default.
    const warnings = INPUT_NAMES.filter((name) => !SHARED_INPUTS.includes(name) && !rules.uses.includes(name) && raw[name] !== '' && raw[name] !== INPUT_DEFAULTS[name]).map((name) => `Input \`${name}\` is not used by ${p.provider}; it is ignored.`);
    if (problems.length > 0)
        return { problems, warnings, cause: defaultProviderCause(p.provider, p.wait === true, warnings, names) };
    return {
        problems,
        warnings,
        inputs: { ...p, runs, buildVersion: p.buildVersion ?? defaultBuildVersion, buildChosen: p.buildVersion !== undefined }
    };
}
/**
 * The runs the step's lists name (README, One gate over several runs): one per `runId`, or one per
 * combination of `scenarioId` and `environment`, at most MAX_RUNS. A repeated item, several IDs to
 * attach to beside several plans or environments, or too many runs: one problem line each.
 */
function runsOf(lists, problems) {
    const list = (name) => {
        const given = lists[name] ?? [];
        const twice = given.filter((v, i) => given.indexOf(v) !== i);
        for (const v of new Set(twice))
            problems.push(`Input \`${name}\` lists ${shown(v)} twice; give each once.`);
        return given.length > 0 ? [...new Set(given)] : [undefined];
    };
    const [plans, environments, ids] = [list('scenarioId'), list('environment'), list('runId')];
    if (ids[0] !== undefined) {
        // The runs named by ID are read under one plan or job and environment (a Gearset job's runs).
        for (const [name, values] of [
            ['scenarioId', plans],
            ['environment', environments]
        ])
            if (values.length > 1)
                problems.push(`Input \`${name}\` names several values beside \`runId\`: the runs in \`runId\` are read under one ${name}; give one.`);
        if (ids.length > MAX_RUNS)
            problems.push(`Input \`runId\` names ${ids.length} runs; one step follows at most ${MAX_RUNS}.`);
        return ids.map((runId) => ({ scenarioId: plans[0], environment: environments[0], runId }));
    }
    const runs = plans.flatMap((scenarioId) => environments.map((environment) => ({ scenarioId, environment })));
    if (runs.length > MAX_RUNS)
        problems.push(`Input \`scenarioId\` with \`environment\` names ${runs.length} runs (${plans.length} \u00d7 ${environments.length}); one step starts at most ${MAX_RUNS}: split them over two steps, or a matrix.`);
    return runs;
}
/** What stands in the way of re-running failed tests (docs/how-it-works.md, Flaky tests): one line each. */
function rerunProblems(p, rules, runs) {
    if (!rules.rerun)
        return [
            `Input \`rerunFailed\` cannot be used with ${p.provider}: this action re-runs failed tests only where the platform documents a re-run of only a run's failed tests (testsigma).`
        ];
    const out = [];
    if (!p.wait && p.runId === undefined)
        out.push('Input `rerunFailed` needs `wait: true`: a failed run is re-run only once this step has seen it end.');
    if (runs > 1)
        out.push('Input `rerunFailed` works on a step of one run: give one `scenarioId` and `environment`, or use a matrix.');
    return out;
}
/** One run's inputs: the step's, with that run's plan, environment and run ID. */
function inputsOf(inputs, run) {
    return { ...inputs, scenarioId: run.scenarioId, environment: run.environment, runId: run.runId };
}
/** Reads the inputs the way the runner passes them (INPUT_* variables). */
function readInputs(defaultBuildVersion, rulesOf, names = PROVIDER_NAMES, eventPreviewUrl) {
    const raw = Object.fromEntries(INPUT_NAMES.map((n) => [n, getInput(n)]));
    return parseInputs(raw, defaultBuildVersion, rulesOf, names, eventPreviewUrl);
}

;// CONCATENATED MODULE: ./src/providers/common.ts
// What the platform translations share: status-word tables, run IDs, timestamps, counts.

/** A run ID from a platform, number or string, checked so it is safe in an output or a URL path. */
const runIdSchema = pipe(pipe(union([schemas_string(), schemas_int().check(_gte(0))]), transform(String)), schemas_string().check(_regex(/^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/, { error: 'a run ID of letters, digits, ".", "_" or "-"' })));
/**
 * An ID as one encoded path segment. `.` and `..` cannot be one, encoded or not (a URL parser
 * resolves `%2E%2E` too, out of the run's route): the inputs and the run-ID schema refuse them
 * first, and this refuses them last (docs/reliability.md, "Identifiers").
 */
function segment(id) {
    if (/^\.{1,2}$/.test(id))
        throw new Error(`"${id}" cannot name a run or a job in a URL path`);
    return encodeURIComponent(id);
}
/**
 * The base URL with the vendor's own API path taken off its end: the vendors document base URLs
 * that include it (docs/platforms.md point 18), and every request path here starts with it.
 */
function withoutApiPath(baseUrl, apiPath) {
    return baseUrl.endsWith(apiPath) ? baseUrl.slice(0, -apiPath.length) : baseUrl;
}
/** Where platforms put their own message in an error answer; a provider lists the ones it uses. */
const ERROR_SHAPES = {
    /** `{ "message": "\u2026" }`: Evaficy, Testery, and most gateways. */
    message: object({ message: schemas_string() }),
    /** `{ "error": "\u2026" }`: Testsigma (its server's error body). */
    error: object({ error: schemas_string() }),
    /** `{ "Message": "\u2026" }`: ASP.NET style (Gearset). */
    Message: object({ Message: schemas_string() }),
    /** `{ "Error": { "Message": "\u2026" } }`: Gearset's documented error body. */
    ErrorMessage: object({ Error: object({ Message: schemas_string() }) })
};
/** Reads the platform's message from an error answer: the first of `shapes` that fits. */
function errorReader(...shapes) {
    return (body) => {
        for (const shape of shapes) {
            const r = safeParse(ERROR_SHAPES[shape], body);
            if (!r.success)
                continue;
            const d = r.data;
            return d.message ?? d.error ?? d.Message ?? d.Error?.Message;
        }
        return undefined;
    };
}
/** Per-test results may be this large (a run of 20,000 tests is about 6 MiB of JSON; docs/how-it-works.md, Reliability). */
const RESULTS_MAX_BYTES = 10 * 1024 * 1024;
/** A listed field as text for comparing, or undefined when the platform did not fill it in. */
const common_text = (v) => (v === null || v === undefined ? undefined : String(v));
/** A count that may be absent or null on the wire. */
const countSchema = schemas_nullish(schemas_int().check(_gte(0)));
/**
 * Maps a platform's status word through its table. A word not in the table is not an ending:
 * the run is taken as still running and the word is reported, so a platform adding a state can
 * never produce a pass (or stop the wait) by accident.
 */
function fromWord(table, word) {
    const w = word ?? '';
    return Object.hasOwn(table, w) ? { status: table[w] } : { status: 'running', unknownWord: w || '(none)' };
}
/**
 * A platform timestamp as a Date: epoch milliseconds (Testsigma), ISO 8601 (Gearset), or
 * `yyyy-MM-dd HH:mm:ss+0000` (Testery, which is not ISO: a space and no colon in the offset).
 */
function toDate(value) {
    if (value === null || value === undefined || value === '')
        return undefined;
    let d;
    if (typeof value === 'number')
        d = new Date(value);
    else {
        const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})$/.exec(value);
        d = new Date(m ? `${m[1]}T${m[2]}${m[3]}:${m[4]}` : value);
    }
    return Number.isNaN(d.getTime()) ? undefined : d;
}
/** Drops counts the platform did not report. */
function counts(c) {
    const out = {};
    for (const k of ['total', 'passed', 'failed', 'skipped']) {
        const v = c[k];
        if (typeof v === 'number')
            out[k] = v;
    }
    return out;
}
/** The sum of the counts the platform reported, or undefined when it reported none of them. */
function sumOf(...values) {
    const given = values.filter((v) => typeof v === 'number');
    return given.length ? given.reduce((a, b) => a + b, 0) : undefined;
}
/**
 * A link from a platform, kept only when it points at the platform's own web app (`origin`), and
 * then in its parsed, serialised form: never the raw string, never another site, never a
 * javascript: or data: URL, never a line break.
 */
function safeLink(url, origin) {
    if (!url)
        return undefined;
    try {
        const u = new URL(url);
        return u.origin === origin && !u.username && !u.password ? u.href : undefined;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/providers/evaficy.ts
// Evaficy Smart Test: a manual test tool. The API creates a run in Draft for a tester to execute;
// there is no status or cancel call (docs/platforms.md \u00a72), so a run ends here as `triggered`.



// The run exists once the 201 names its runId: the other fields may be null or absent
// (docs/platforms.md point 12), and none of them may fail the step.
const TriggerReply = object({
    runId: runIdSchema,
    runName: schemas_nullish(schemas_string()),
    testCaseCount: countSchema,
    message: schemas_nullish(schemas_string())
});
const evaficy = {
    name: 'evaficy',
    title: 'Evaficy Smart Test',
    errorMessage: errorReader('message'),
    // No status API: a created run is Draft until a tester opens it.
    statusWords: { Draft: 'triggered' },
    pollFloorMs: 1000,
    // It gives no links and documents no rate limit.
    webOrigin: undefined,
    rateLimitHeaders: undefined,
    readLimit: undefined,
    inputRules: {
        uses: ['projectId', 'environment', 'buildVersion', 'runName'],
        // Its environment is a name ("Staging"), which may hold a comma: one per step, never a list.
        whole: ['environment'],
        check(p, c) {
            const what = (id) => `the 24-character hex ${id} ID from the ${id.toLowerCase()} URL in Evaficy`;
            if (c.need('projectId', p.projectId, what('Project')))
                c.shape('projectId', p.projectId, ID_SHAPES.hex24, what('Project'));
            if (c.need('scenarioId', p.scenarioId, what('Scenario')))
                c.shape('scenarioId', p.scenarioId, ID_SHAPES.hex24, what('Scenario'));
            if (p.wait)
                c.problem('Input `wait` cannot be true for evaficy: Evaficy runs are executed by a tester and Evaficy has no status API. ' +
                    'Trigger the run in this job with wait: false, and gate the deploy in a later job whose GitHub Environment ' +
                    'has required reviewers (see the action\'s docs/recipes.md, "Gate a deploy on Evaficy sign-off").');
            if (p.runId !== undefined)
                c.problem('Input `runId` cannot be used with evaficy: Evaficy has no status API to attach to; leave `runId` empty.');
        }
    },
    defaultBaseUrl: 'https://app.evaficy.com',
    authorization: (token) => `Bearer ${token}`,
    hints: {
        400: 'Evaficy needs both IDs: check that `projectId` and `scenarioId` hold the 24-character hex IDs from the project and scenario URLs.',
        401: 'the token is invalid or was deleted: create a new Personal Access Token under Settings \u2192 API Tokens in Evaficy and update the secret.',
        403: 'the CI/CD trigger needs the Enterprise plan: upgrade under Settings \u2192 Billing in Evaficy.',
        404: 'no such scenario in that project: copy `scenarioId` from the scenario URL and `projectId` from the project URL in Evaficy.'
    },
    runsPage: 'Test Runs in Evaficy Smart Test',
    nextStep: 'A tester executes the run in Evaficy Smart Test: it is in <strong>Test Runs</strong> with Draft status. ' +
        'To hold a deploy until QA signs off, gate the deploy job with a GitHub Environment that has required reviewers.',
    async trigger({ inputs, http }, signal) {
        const body = {
            projectId: inputs.projectId,
            scenarioId: inputs.scenarioId,
            ...(inputs.environment !== undefined && { environment: inputs.environment }),
            buildVersion: inputs.buildVersion,
            ...(inputs.runName !== undefined && { runName: inputs.runName })
        };
        const { data } = await http.request({
            method: 'POST',
            path: '/runs/trigger',
            template: '/runs/trigger',
            body,
            schema: TriggerReply,
            action: 'create the test run',
            creates: true
        }, signal);
        return {
            id: data.runId,
            name: data.runName ?? undefined,
            status: 'triggered',
            // The documented lifecycle: a created run is in Draft until a tester opens it.
            providerStatus: 'Draft',
            counts: counts({ total: data.testCaseCount }),
            message: data.message ?? undefined
        };
    }
};

;// CONCATENATED MODULE: ./src/providers/gearset.ts
// Gearset Automation API (docs/platforms.md \u00a74): a CI job run is started as a "run request" and read
// under its job. A job runs one run at a time; its cancel call stops the job's current run,
// whichever request started it. Partial is not a pass.





const STATE = {
    Pending: 'queued',
    Started: 'running',
    Succeeded: 'passed',
    Failed: 'failed',
    Partial: 'failed',
    // Gearset's own CI webhooks say Error; its unit-test runs also end Cancelled (docs/platforms.md point 10).
    Error: 'error',
    Cancelled: 'cancelled'
};
const RunRequest = object({ RunRequestId: runIdSchema });
const RunRequestStatus = object({
    State: schemas_nullish(schemas_string()),
    RunId: schemas_nullish(schemas_string()),
    StartDateTime: schemas_nullish(schemas_string()),
    EndDateTime: schemas_nullish(schemas_string())
});
const JobStatus = object({ State: schemas_nullish(schemas_string()) });
const JOB_STATUS_READ_MS = 10_000;
const jobPath = (jobId) => `/public/automation/continuous-integration-jobs/${segment(jobId ?? '')}`;
function gearsetState(id, r) {
    // The CI run's own ID, once it started: kept only when it is a plain ID.
    const ciRunId = safeParse(runIdSchema, r.RunId);
    return {
        id,
        ...(ciRunId.success && { refs: { ciRunId: ciRunId.data } }),
        ...fromWord(STATE, r.State),
        providerStatus: r.State ?? '',
        counts: {},
        startedAt: toDate(r.StartDateTime),
        endedAt: toDate(r.EndDateTime)
    };
}
// Documented: 5 status reads per 5 s, per job and per action, for every reader (docs/platforms.md point 11).
const READ_LIMIT = { count: 5, perMs: 5000 };
/**
 * Reads the job's state before starting, as every independent client does (docs/platforms.md point 9):
 * a busy job makes the new request wait behind another run, which the reader should know. A job
 * that does not exist, or a token that is refused, ends the step here, before anything is started.
 */
async function checkJob({ inputs, http, note }, signal) {
    try {
        const { data } = await http.request({
            method: 'GET',
            path: `${jobPath(inputs.scenarioId)}/status`,
            template: '/public/automation/continuous-integration-jobs/{jobId}/status',
            schema: JobStatus,
            action: 'read the CI job status',
            // A note for the reader, and a check of the IDs: it must not hold up the start for long, and
            // a refused read (other readers of the job share its limit) is not sent again.
            timeoutMs: JOB_STATUS_READ_MS,
            attempts: 1
        }, signal);
        if (data.State === 'Running') {
            note(`The Gearset CI job ${inputs.scenarioId} is already running another run: this run request waits (Pending) until that run ends.`);
        }
    }
    catch (e) {
        if (!(e instanceof PlatformError) || !isRetryable('GET', e.info) || signal?.aborted)
            throw e;
        const shared = e.info.status === 429
            ? ` Gearset allows ${READ_LIMIT.count} status reads per ${READ_LIMIT.perMs / 1000} s per job, for every workflow reading it: other workflows are probably reading this job too, so this step reads it less often.`
            : '';
        note(`Could not read the Gearset CI job status before starting (${e.info.status !== undefined ? `HTTP ${e.info.status}` : e.info.kind}); starting the run request anyway.${shared}`);
    }
}
const gearset = {
    name: 'gearset',
    title: 'Gearset',
    // { Error: { Code, Message } } as documented; { Message } from its gateway; { message } from proxies.
    errorMessage: errorReader('ErrorMessage', 'Message', 'message'),
    statusWords: STATE,
    // Its answers carry X-Rate-Limit-Remaining / -Reset (docs/platforms.md \u00a74.5).
    rateLimitHeaders: { remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset' },
    // 5 status reads per 5 s per job: one a second, and the read limit below holds the rest.
    pollFloorMs: 1000,
    noProgressCounts: true,
    // Its run links are not documented: the run request ID names the run.
    webOrigin: undefined,
    inputRules: {
        uses: ['gitRef'],
        check(p, c) {
            if (c.need('scenarioId', p.scenarioId, 'the CI job ID ("Copy job ID" on the CI dashboard)'))
                c.shape('scenarioId', p.scenarioId, ID_SHAPES.safeId, 'the Gearset CI job ID ("Copy job ID" on the CI dashboard)');
        }
    },
    defaultBaseUrl: 'https://api.gearset.com',
    apiPath: '/public/automation',
    authorization: (token) => `token ${token}`,
    headers: { 'api-version': '1' },
    readLimit: READ_LIMIT,
    // "per team, per job, per action": a refused status read does not hold a start or a cancel.
    limitsPerAction: true,
    hints: {
        401: 'the access token was not accepted (tokens expire): create a new one under My account > Access token management in Gearset and update the secret. A team on Gearset\u2019s EU instance sets `baseUrl: https://eu.gearset.com` (a token is valid only in its own region).',
        403: 'the Automation API needs the Automation Platform licence, and a Team Owner may need to allow API access tokens.',
        404: 'no such CI job or run request for this token\u2019s team: copy `scenarioId` with "Copy job ID" on the CI dashboard.'
    },
    runsPage: 'the CI job\u2019s View history in Gearset',
    runScope: 'the CI job in `scenarioId`',
    nextStep: 'The CI job runs in Gearset: see it under Continuous integration > the job > View history. Set <code>wait: true</code> to hold this job until it ends.',
    startDetails: (inputs) => (inputs.gitRef !== undefined ? [{ label: 'Source commit', value: `${inputs.gitRef} (gitRef)` }] : []),
    async trigger(ctx, signal) {
        const { inputs, http } = ctx;
        await checkJob(ctx, signal);
        const { data } = await http.request({
            method: 'POST',
            path: `${jobPath(inputs.scenarioId)}/run-requests`,
            template: '/public/automation/continuous-integration-jobs/{jobId}/run-requests',
            body: inputs.gitRef !== undefined ? { SourceGitCommitId: inputs.gitRef } : {},
            schema: RunRequest,
            action: 'start the CI job',
            creates: true
        }, signal);
        return { id: data.RunRequestId, status: 'queued', providerStatus: 'Pending', counts: {} };
    },
    async status({ inputs, http }, runId, signal) {
        const { data } = await http.request({
            method: 'GET',
            path: `${jobPath(inputs.scenarioId)}/run-requests/${segment(runId)}`,
            template: '/public/automation/continuous-integration-jobs/{jobId}/run-requests/{id}',
            schema: RunRequestStatus,
            action: 'read the run status',
            // Its limits are per action: the wait sleeps through this read's pauses, no other's.
            readsRun: true
        }, signal);
        return gearsetState(runId, data);
    },
    // The cancel call stops whatever run the job is running (docs/platforms.md point 8): it is ours only
    // while our run request's last state read is Started.
    refuseCancel(run) {
        if (run.providerStatus === 'Started')
            return undefined;
        const state = run.providerStatus || 'unknown';
        return `Gearset's cancel call stops the CI job's current run, whichever request started it, and run request ${run.id} was last seen ${state}, not Started: cancelling could stop somebody else's run, so it was not sent.`;
    },
    async cancel({ inputs, http }, _run, signal) {
        await http.request({
            method: 'POST',
            path: `${jobPath(inputs.scenarioId)}/cancel`,
            template: '/public/automation/continuous-integration-jobs/{jobId}/cancel',
            body: {},
            schema: unknown(),
            action: 'cancel the CI job'
        }, signal);
    }
};

;// CONCATENATED MODULE: ./src/providers/testery.ts
// Testery (docs/platforms.md \u00a73): a run starts from a build request and is read as a test run.



const STATUS = {
    SUBMITTED: 'queued',
    QUEUED: 'queued',
    PENDING: 'queued', // legacy spelling
    RUNNING: 'running',
    PASS: 'passed',
    FAIL: 'failed',
    CANCELED: 'cancelled',
    CANCEL: 'cancelled' // legacy spelling
};
const TestRun = object({
    id: runIdSchema,
    createTime: schemas_nullish(schemas_string()),
    buildKey: schemas_nullish(schemas_string()),
    gitRef: schemas_nullish(schemas_string()),
    environment: schemas_nullish(schemas_string()),
    name: schemas_nullish(schemas_string()),
    status: schemas_nullish(schemas_string()),
    statusInfo: schemas_nullish(schemas_string()),
    startTime: schemas_nullish(schemas_string()),
    endTime: schemas_nullish(schemas_string()),
    passCount: countSchema,
    failCount: countSchema,
    ignoredCount: countSchema,
    totalCount: countSchema,
    // Newer payloads (docs/platforms.md point 4): tests not run, and tests that timed out (failures).
    notRunCount: countSchema,
    timeoutCount: countSchema
});
const TestResults = array(object({
    id: runIdSchema,
    status: schemas_nullish(schemas_string()),
    duration: schemas_nullish(schemas_number()),
    error: schemas_nullish(schemas_string()),
    projectTest: schemas_nullish(object({ name: schemas_nullish(schemas_string()), file: schemas_nullish(schemas_string()) }))
}));
// Per-test words (docs/platforms.md \u00a73.3); anything else that is not a pass counts as a failure.
const TEST_STATUS = { PASS: 'passed', FAIL: 'failed', IGNORED: 'skipped', PENDING: 'skipped' };
/** How one test ended; a word not in the table is a failure, never a pass. */
const testStatus = (word) => TEST_STATUS[word ?? ''] ?? 'failed';
const Project = object({ id: schemas_int(), key: schemas_string() });
const Account = object({ name: schemas_string().check(_regex(/^[A-Za-z0-9._-]{1,100}$/)) });
function testeryState(r, account) {
    let mapped = fromWord(STATUS, r.status);
    // FAIL also covers runs stopped by an error before any test failed (docs/platforms.md \u00a73.3).
    const failed = sumOf(r.failCount, r.timeoutCount);
    if (mapped.status === 'failed' && !failed && r.statusInfo)
        mapped = { status: 'error' };
    return {
        id: r.id,
        name: r.name ?? undefined,
        url: account ? safeLink(`${WEB_ORIGIN}/${account}/test-runs/${r.id}`, WEB_ORIGIN) : undefined,
        ...mapped,
        providerStatus: r.status ?? '',
        counts: counts({ total: r.totalCount, passed: r.passCount, failed, skipped: sumOf(r.ignoredCount, r.notRunCount) }),
        startedAt: toDate(r.startTime),
        endedAt: toDate(r.endTime),
        message: r.statusInfo ?? undefined
    };
}
const path = (id) => `/api/test-runs/${segment(id)}`;
// Run links (docs/platforms.md \u00a73: https://testery.app/{accountName}/test-runs/{runId}).
const WEB_ORIGIN = 'https://testery.app';
/**
 * The run request as the official CLI builds it (docs/platforms.md \u00a73.2): only what the user chose.
 * `buildId`, `ref`, `branch` and `latestDeploy` each pick the test code; at most one is sent, and
 * with none Testery runs the project's default code.
 */
function runRequest(inputs) {
    return {
        project: inputs.projectId,
        environment: inputs.environment,
        updateVcsStatus: inputs.updateVcsStatus,
        // Exactly one choice of test code, or none (docs/platforms.md point 13): the build only when given.
        ...(inputs.buildChosen && { buildId: inputs.buildVersion }),
        ...(inputs.gitRef !== undefined && { ref: inputs.gitRef }),
        ...(inputs.gitBranch !== undefined && { branch: inputs.gitBranch }),
        ...(inputs.latestDeploy && { latestDeploy: true }),
        ...(inputs.scenarioId !== undefined && { testSuiteId: Number(inputs.scenarioId) }),
        ...(inputs.includeTags && { includeTags: inputs.includeTags }),
        ...(inputs.excludeTags && { excludedTags: inputs.excludeTags }),
        // The CLI's --test-filter-regex sends each filter as "Regex: <expression>".
        ...(inputs.testFilters && { testFilters: inputs.testFilters.map((f) => `Regex: ${f}`) }),
        ...(inputs.variables && { variables: inputs.variables.map((v) => ({ key: v.key, value: v.value, encrypted: v.secure })) })
    };
}
/** Which test code the run uses, in words, for the log and the summary. */
function testCode(inputs) {
    if (inputs.gitRef !== undefined)
        return `commit ${inputs.gitRef} (gitRef)`;
    if (inputs.gitBranch !== undefined)
        return `the latest commit of branch ${inputs.gitBranch} (gitBranch)`;
    if (inputs.latestDeploy)
        return `the tests last deployed to ${inputs.environment ?? 'the environment'} (latestDeploy)`;
    if (inputs.buildChosen)
        return `the build artifacts uploaded as build ${inputs.buildVersion} (buildVersion)`;
    return 'not chosen by this step: Testery runs the project\u2019s default test code (set gitRef, gitBranch, latestDeploy or buildVersion to choose)';
}
const accounts = new WeakMap();
const ACCOUNT_READ_MS = 5000;
const ACCOUNT_GRACE_MS = 1000;
function accountRead({ http }, signal) {
    let read = accounts.get(http);
    if (!read) {
        const started = { done: Promise.resolve() };
        started.done = http
            .request({
            method: 'GET',
            path: '/api/account',
            template: '/api/account',
            schema: Account,
            action: 'read the account name',
            attempts: 1,
            timeoutMs: ACCOUNT_READ_MS
        }, signal)
            .then((r) => void (started.name = r.data.name))
            .catch(() => undefined);
        accounts.set(http, started);
        read = started;
    }
    return read;
}
/** Waits for the account read up to `ms`, never longer. */
async function briefly(read, ms) {
    let timer;
    await Promise.race([read.done, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    return read.name;
}
const testery = {
    name: 'testery',
    title: 'Testery',
    errorMessage: errorReader('message'),
    statusWords: STATUS,
    // No documented limit: the floor of pollIntervalSeconds.
    pollFloorMs: 1000,
    rateLimitHeaders: undefined,
    readLimit: undefined,
    inputRules: {
        uses: [
            'projectId',
            'environment',
            'buildVersion',
            'junitPath',
            'gitRef',
            'gitBranch',
            'latestDeploy',
            'updateVcsStatus',
            'variables',
            'includeTags',
            'excludeTags',
            'testFilters',
            'annotateTests'
        ],
        // One run per environment at a time, and a queued run is cancelled when a newer one for its
        // environment arrives (docs/platforms.md point 3): a step's runs on one environment would cancel each other.
        checkRuns(runs, c) {
            const started = runs.filter((r) => r.runId === undefined);
            const shared = started.find((r, i) => started.findIndex((o) => o.environment === r.environment) !== i);
            if (shared)
                c.problem(`Input \`environment\` has several test suites run on ${shared.environment ?? 'one environment'}: Testery runs one run per environment at a time and cancels a queued run when a newer one for its environment arrives, so they could cancel each other. Give each suite an environment of its own, or start them in steps one after another.`);
        },
        check(p, c) {
            if (p.runId === undefined) {
                c.need('projectId', p.projectId, 'the Testery project key');
                c.need('environment', p.environment, 'the Testery environment key');
            }
            c.shape('scenarioId', p.scenarioId, ID_SHAPES.digits, 'the numeric Testery test suite ID');
            // Each of these chooses which test code Testery runs (docs/platforms.md, points 1 and 13): one at most.
            const chosen = ['buildVersion', 'gitRef', 'gitBranch', 'latestDeploy'].filter((n) => n === 'latestDeploy' ? p.latestDeploy : p[n] !== undefined);
            for (const n of chosen.slice(1))
                c.problem(`Input \`${n}\` cannot be combined with \`${chosen[0]}\`: each chooses which test code Testery runs (uploaded build artifacts, a commit, a branch's latest commit, or the latest deploy); give one.`);
        }
    },
    defaultBaseUrl: 'https://api.testery.io',
    apiPath: '/api',
    buildSelectsCode: true,
    webOrigin: WEB_ORIGIN,
    authorization: (token) => `Bearer ${token}`,
    hints: {
        401: 'the API token was not accepted: copy it again from Settings > Integrations > Show API Token in Testery and update the secret.',
        404: 'no such project, environment, test suite or run: check `projectId` (the project key), `environment` (the environment key), `scenarioId` and `runId`.'
    },
    runsPage: 'Test Runs in Testery',
    nextStep: 'The run goes on in Testery; open it from the link above. Set <code>wait: true</code> to hold this job until it ends.',
    startDetails: (inputs) => [{ label: 'Test code', value: testCode(inputs) }],
    async trigger(ctx, signal) {
        const { inputs, http } = ctx;
        const account = accountRead(ctx, signal);
        const { data } = await http.request({
            method: 'POST',
            path: '/api/test-run-requests-build',
            template: '/api/test-run-requests-build',
            body: runRequest(inputs),
            schema: TestRun,
            action: 'start the test run',
            creates: true
        }, signal);
        return testeryState(data, await briefly(account, ACCOUNT_GRACE_MS));
    },
    async status(ctx, runId, signal) {
        const { data } = await ctx.http.request({ method: 'GET', path: path(runId), template: '/api/test-runs/{id}', schema: TestRun, action: 'read the run status' }, signal);
        return testeryState(data, accountRead(ctx, signal).name);
    },
    // Its listing echoes the project (as its numeric ID), the environment, the build, the commit,
    // the branch and the tags; not the suite, the filters, the variables or latestDeploy (\u00a73.3).
    startIdentity: (inputs) => ({
        shown: {
            project: inputs.projectId ?? '',
            environment: inputs.environment ?? '',
            ...(inputs.buildChosen && { build: inputs.buildVersion }),
            ...(inputs.gitRef !== undefined && { ref: inputs.gitRef }),
            ...(inputs.gitBranch !== undefined && { branch: inputs.gitBranch }),
            ...(inputs.includeTags && { tags: [...inputs.includeTags].sort().join(',') })
        },
        unseen: [
            inputs.scenarioId !== undefined && 'scenarioId (the test suite)',
            inputs.excludeTags && 'excludeTags',
            inputs.testFilters && 'testFilters',
            inputs.variables && 'variables',
            inputs.latestDeploy && 'latestDeploy'
        ].filter((n) => !!n)
    }),
    // The account's latest runs, newest first (a bare array, docs/platforms.md \u00a73.4). Runs name their
    // project by ID: the project keys are read as the CLI reads them (\u00a73.2) to tell projects apart.
    async recentRuns(ctx, signal) {
        const { data, clockOffsetMs } = await ctx.http.request({
            method: 'GET',
            path: '/api/test-runs?page=0&limit=50',
            template: '/api/test-runs',
            schema: array(schemas_extend(TestRun, { projectId: schemas_nullish(schemas_int()), branch: schemas_nullish(schemas_string()), includeTags: schemas_nullish(array(schemas_string())) })),
            action: 'list the recent runs'
        }, signal);
        const projects = await ctx.http.request({ method: 'GET', path: '/api/projects', template: '/api/projects', schema: array(Project), action: 'read the project keys' }, signal);
        const keyOf = new Map(projects.data.map((p) => [p.id, p.key]));
        const account = accountRead(ctx, signal).name;
        return {
            clockOffsetMs,
            runs: data.map((r) => ({
                state: testeryState(r, account),
                echoed: {
                    project: r.projectId === null || r.projectId === undefined ? undefined : keyOf.get(r.projectId),
                    environment: common_text(r.environment),
                    build: common_text(r.buildKey),
                    ref: common_text(r.gitRef),
                    branch: common_text(r.branch),
                    tags: r.includeTags ? [...r.includeTags].sort().join(',') : undefined
                },
                createdAt: toDate(r.createTime)
            }))
        };
    },
    async testResults({ http }, run, signal) {
        const { data } = await http.request({
            method: 'GET',
            path: `${path(run.id)}/results`,
            template: '/api/test-runs/{id}/results',
            schema: TestResults,
            action: 'read the test results',
            maxBytes: RESULTS_MAX_BYTES
        }, signal);
        return data.map((t) => ({
            name: t.projectTest?.name ?? `test ${t.id}`,
            suite: t.projectTest?.file ?? undefined,
            file: t.projectTest?.file ?? undefined,
            status: testStatus(t.status),
            durationMs: t.duration ?? undefined,
            error: t.error ?? undefined,
            url: run.url ? `${run.url}/tests/${t.id}` : undefined
        }));
    },
    async cancel({ http }, run, signal) {
        await http.request({
            method: 'PATCH',
            path: path(run.id),
            template: '/api/test-runs/{id}',
            body: { status: 'CANCELED' },
            schema: unknown(),
            action: 'cancel the run'
        }, signal);
    }
};

;// CONCATENATED MODULE: ./src/providers/testsigma.ts
// Testsigma (docs/platforms.md \u00a71): a run is an "execution result" of a test plan. Only
// STATUS_COMPLETED ends a run; its `result` says how.





const testsigma_STATUS = {
    STATUS_CREATED: 'queued',
    STATUS_QUEUED: 'queued',
    STATUS_PRE_FLIGHT: 'queued',
    STATUS_IN_PROGRESS: 'running'
};
// How one test case ended (the same words as a run's result).
const CASE_RESULT = {
    SUCCESS: 'passed',
    FAILURE: 'failed',
    ABORTED: 'failed',
    STOPPED: 'skipped',
    NOT_EXECUTED: 'skipped',
    // A test that never ran (docs/platforms.md point 16): not run, not a failure.
    QUEUED: 'skipped'
};
/** How one test case ended; a word not in the table is a failure, never a pass. */
const caseStatus = (word) => CASE_RESULT[word ?? ''] ?? 'failed';
// docs/platforms.md point 6: one entry per test case, with no message and no duration.
const TestCaseResults = object({
    testCases: array(object({
        testCaseName: schemas_string(),
        testSuiteName: schemas_nullish(schemas_string()),
        testCaseResultId: schemas_nullish(union([schemas_number(), schemas_string()])),
        result: schemas_nullish(schemas_string())
    }))
});
// The error text of test case results, a page at a time (seen in a third-party script; the shape is
// not confirmed by Testsigma, so any other answer means "no error text", never a failed step).
const TestCaseMessages = object({
    content: array(object({ id: union([schemas_number(), schemas_string()]), message: schemas_nullish(schemas_string()) }))
});
const MESSAGE_PAGE_SIZE = 200;
const MAX_MESSAGE_PAGES = 10;
// How a completed run ended. A completed run with any other result is an error, never a pass.
const RESULT = {
    SUCCESS: 'passed',
    FAILURE: 'failed',
    STOPPED: 'cancelled',
    ABORTED: 'error',
    NOT_EXECUTED: 'error'
};
const ExecutionResult = object({
    id: runIdSchema,
    status: schemas_nullish(schemas_string()),
    result: schemas_nullish(schemas_string()),
    message: schemas_nullish(schemas_string()),
    startTime: schemas_nullish(schemas_number()),
    endTime: schemas_nullish(schemas_number()),
    app_url: schemas_nullish(schemas_string()),
    execution: schemas_nullish(object({ name: schemas_nullish(schemas_string()) })),
    totalCount: countSchema,
    passedCount: countSchema,
    failedCount: countSchema,
    abortedCount: countSchema,
    stoppedCount: countSchema,
    notExecutedCount: countSchema,
    preRequisiteFailedCount: countSchema
});
function testsigmaState(r, origin = testsigma_WEB_ORIGIN) {
    let mapped;
    if (r.status === 'STATUS_COMPLETED') {
        mapped = Object.hasOwn(RESULT, r.result ?? '') ? { status: RESULT[r.result ?? ''] } : { status: 'error' };
    }
    else {
        mapped = fromWord(testsigma_STATUS, r.status);
    }
    return {
        id: r.id,
        name: r.execution?.name ?? undefined,
        url: safeLink(r.app_url, origin) ?? `${origin}/ui/td/runs/${r.id}`,
        ...mapped,
        providerStatus: [r.status, r.result].filter(Boolean).join('/'),
        counts: counts({
            total: r.totalCount,
            passed: r.passedCount,
            // A failed prerequisite is a failure too (docs/platforms.md point 7).
            failed: sumOf(r.failedCount, r.abortedCount, r.preRequisiteFailedCount),
            skipped: sumOf(r.stoppedCount, r.notExecutedCount)
        }),
        startedAt: toDate(r.startTime),
        endedAt: toDate(r.endTime),
        message: r.message ?? undefined
    };
}
const testsigma_path = (id) => `/api/v1/execution_results/${segment(id)}`;
// Run links point here only (docs/platforms.md \u00a71: app_url, else the run page built from the ID).
const testsigma_WEB_ORIGIN = 'https://app.testsigma.com';
// Regional apps serve their own runs (docs/platforms.md point 17): links follow the configured one.
const REGIONAL = /^app-(eu|in)\.testsigma\.com$/;
/** The web app of the configured API: a regional app's own origin, else the global one. */
function webOriginOf(baseUrl) {
    if (!baseUrl)
        return testsigma_WEB_ORIGIN;
    const u = new URL(baseUrl);
    return u.protocol === 'https:' && REGIONAL.test(u.hostname) && !u.port ? u.origin : testsigma_WEB_ORIGIN;
}
/** A start of the test plan (a run, or a re-run of a run's failed tests): one POST, never sent twice. */
async function start({ inputs, http }, body, action, signal) {
    const { data } = await http.request({
        method: 'POST',
        path: '/api/v1/execution_results',
        template: '/api/v1/execution_results',
        body,
        schema: ExecutionResult,
        action,
        creates: true
    }, signal);
    return testsigmaState(data, webOriginOf(inputs.baseUrl));
}
const testsigma = {
    name: 'testsigma',
    title: 'Testsigma',
    // Its server answers errors as { timeStamp, error, code } (docs/platforms.md \u00a71).
    errorMessage: errorReader('error', 'message'),
    statusWords: {
        ...testsigma_STATUS,
        ...Object.fromEntries(Object.entries(RESULT).map(([result, status]) => [`STATUS_COMPLETED/${result}`, status]))
    },
    // No documented limit: the floor of pollIntervalSeconds.
    pollFloorMs: 1000,
    rateLimitHeaders: undefined,
    readLimit: undefined,
    inputRules: {
        uses: ['environment', 'buildVersion', 'junitPath', 'variables', 'executionConfig', 'annotateTests'],
        check(p, c) {
            if (p.runId === undefined && c.need('scenarioId', p.scenarioId, 'the Test Plan ID (Test Plans > your plan > CI/CD Integrations)'))
                c.shape('scenarioId', p.scenarioId, ID_SHAPES.digits, 'the numeric Test Plan ID');
            c.shape('environment', p.environment, ID_SHAPES.digits, 'the numeric Environment ID from Test Data > Environments');
            // Its re-run names the plan beside the run (docs/platforms.md \u00a71.2, TS-DOC-RERUN).
            if (p.rerunFailed > 0 && p.runId !== undefined && p.scenarioId === undefined)
                c.problem('Input `rerunFailed` with `runId` needs `scenarioId`: Testsigma re-runs a run by its test plan ID and its own.');
        },
        rerun: 'the same start call with isReRun and reRunType ONLY_FAILED_TESTS'
    },
    defaultBaseUrl: 'https://app.testsigma.com',
    apiPath: '/api/v1',
    webOrigin: testsigma_WEB_ORIGIN,
    authorization: (token) => `Bearer ${token}`,
    hints: {
        400: 'check `scenarioId` is the Test Plan ID (Test Plans > your plan > CI/CD Integrations) and `environment` an Environment ID.',
        401: 'the API key was not accepted: create a new one under Settings > API Keys in Testsigma and update the secret.',
        404: 'no such test plan or run: check `scenarioId` (the Test Plan ID) or `runId`.'
    },
    runsPage: 'the test plan\u2019s Run History in Testsigma',
    nextStep: 'The run goes on in Testsigma; open it from the link above. Set <code>wait: true</code> to hold this job until it ends.',
    async trigger(ctx, signal) {
        const { inputs } = ctx;
        return start(ctx, {
            executionId: inputs.scenarioId,
            ...(inputs.environment !== undefined && { environmentId: inputs.environment }),
            buildNo: inputs.buildVersion,
            ...(inputs.variables && { runtimeData: Object.fromEntries(inputs.variables.map((v) => [v.key, v.value])) }),
            // Testsigma takes a saved configuration by ID or by name (docs/platforms.md \u00a71.2).
            ...(inputs.executionConfig !== undefined && {
                executionConfig: /^[0-9]+$/.test(inputs.executionConfig) ? { id: inputs.executionConfig } : { name: inputs.executionConfig }
            })
        }, 'start the test plan', signal);
    },
    // A re-run of a run's failed tests is the same call, naming the run (docs/platforms.md \u00a71.2, TS-DOC-RERUN).
    async rerunFailed(ctx, run, signal) {
        return start(ctx, { executionId: ctx.inputs.scenarioId, executionResultId: run.id, isReRun: true, reRunType: 'ONLY_FAILED_TESTS' }, `re-run the failed tests of run ${run.id}`, signal);
    },
    async status({ inputs, http }, runId, signal) {
        const { data } = await http.request({
            method: 'GET',
            path: testsigma_path(runId),
            template: '/api/v1/execution_results/{id}',
            schema: ExecutionResult,
            action: 'read the run status'
        }, signal);
        return testsigmaState(data, webOriginOf(inputs.baseUrl));
    },
    // Its listing echoes the plan, the environment and the build; not the run-time data or the
    // saved configuration (docs/platforms.md \u00a71.2).
    startIdentity: (inputs) => ({
        shown: {
            plan: inputs.scenarioId ?? '',
            ...(inputs.environment !== undefined && { environment: inputs.environment }),
            build: inputs.buildVersion
        },
        unseen: [inputs.variables && 'variables', inputs.executionConfig !== undefined && 'executionConfig'].filter((n) => !!n)
    }),
    // The plan's latest runs, newest first (the listing seen in third-party clients, docs/platforms.md \u00a71.5).
    async recentRuns({ inputs, http }, signal) {
        const { data, clockOffsetMs } = await http.request({
            method: 'GET',
            path: `/api/v1/executions/${segment(inputs.scenarioId ?? '')}/test_plan_results?page=0&size=20&sortBy=id&direction=DESC`,
            template: '/api/v1/executions/{planId}/test_plan_results',
            schema: object({
                content: array(schemas_extend(ExecutionResult, {
                    buildNo: schemas_nullish(schemas_string()),
                    executionId: schemas_nullish(union([schemas_number(), schemas_string()])),
                    environmentId: schemas_nullish(union([schemas_number(), schemas_string()]))
                }))
            }),
            action: 'list the test plan\u2019s runs'
        }, signal);
        return {
            clockOffsetMs,
            runs: data.content.map((r) => ({
                state: testsigmaState(r, webOriginOf(inputs.baseUrl)),
                echoed: { plan: common_text(r.executionId), environment: common_text(r.environmentId), build: common_text(r.buildNo) },
                createdAt: toDate(r.startTime)
            }))
        };
    },
    // docs/platforms.md \u00a71.5: one entry per test case; a result other than the known words is a failure.
    async testResults(ctx, run, signal) {
        const { data } = await ctx.http.request({
            method: 'GET',
            path: `${testsigma_path(run.id)}/test_case_results`,
            template: '/api/v1/execution_results/{id}/test_case_results',
            schema: TestCaseResults,
            action: 'read the test results',
            maxBytes: RESULTS_MAX_BYTES
        }, signal);
        const tests = data.testCases.map((t) => ({
            resultId: t.testCaseResultId === null || t.testCaseResultId === undefined ? undefined : String(t.testCaseResultId),
            test: {
                name: t.testCaseName,
                suite: t.testSuiteName ?? undefined,
                status: caseStatus(t.result),
                url: run.url
            }
        }));
        const failed = tests.filter((t) => t.test.status === 'failed' && t.resultId !== undefined);
        if (failed.length > 0) {
            const messages = await errorTexts(ctx, run.id, new Set(failed.map((t) => t.resultId)), signal);
            for (const t of failed) {
                const message = messages.get(t.resultId);
                if (message)
                    t.test.error = message;
            }
        }
        return tests.map((t) => t.test);
    },
    // Testsigma documents only an account-wide stop (PUT /api/v1/execution_results, which stops every
    // running execution unless canStopAll is false; docs/platforms.md point 5). This call names the run in
    // the path and always sends canStopAll: false, so it can never stop another run.
    cancelCaveat: 'Testsigma documents no call that stops one run: this action asks it to stop only this run (canStopAll: false), which may not take effect; check the run in Testsigma.',
    // Its server stops the plan's oldest unfinished run whatever ID the stop names, and one plan may
    // run several times at once (docs/platforms.md point 14): with another unfinished run of the plan
    // there, no stop is sent. Runs of this same step that it stops too are not another's: one stop
    // each ends them all, oldest first (docs/how-it-works.md, Several runs in one step).
    async otherRunsAtRisk(ctx, run, signal) {
        const { runs } = await testsigma.recentRuns(ctx, signal);
        const others = runs
            .filter((r) => r.state.id !== run.id && !ctx.ownRuns?.has(r.state.id) && !TERMINAL_STATUSES.includes(r.state.status))
            .map((r) => r.state.id);
        if (others.length === 0)
            return undefined;
        return `Testsigma stops a test plan's oldest unfinished run, whichever run the stop names, and test plan ${ctx.inputs.scenarioId ?? ''} has ${others.length === 1 ? 'another unfinished run' : 'other unfinished runs'} (${others.join(', ')}): stopping could end somebody else's run, so no stop was sent for run ${run.id}. Stop it in Testsigma if it is not wanted.`;
    },
    // "Plan already running", which its server answers as HTTP 500 (docs/platforms.md point 15).
    busyMessage: /already\s+(in\s+)?running|EXECUTION_ALREADY_RUNNING/i,
    async cancel({ http }, run, signal) {
        await http.request({
            method: 'PUT',
            path: testsigma_path(run.id),
            template: '/api/v1/execution_results/{id}',
            body: { result: 'STOPPED', canStopAll: false },
            schema: unknown(),
            action: 'stop the run'
        }, signal);
    }
};
/**
 * The error text of the given test case results, by result ID. Best effort: an answer of another
 * shape, or none, leaves the tests without text (they are still listed by name).
 */
async function errorTexts({ http }, runId, wanted, signal) {
    const found = new Map();
    try {
        for (let page = 0; page < MAX_MESSAGE_PAGES && found.size < wanted.size; page++) {
            const { data } = await http.request({
                method: 'GET',
                path: `/api/v1/test_case_results?executionResultId=${encodeURIComponent(runId)}&page=${page}&size=${MESSAGE_PAGE_SIZE}`,
                template: '/api/v1/test_case_results',
                schema: TestCaseMessages,
                action: 'read the test error messages',
                maxBytes: RESULTS_MAX_BYTES
            }, signal);
            for (const r of data.content)
                if (wanted.has(String(r.id)) && r.message?.trim())
                    found.set(String(r.id), r.message);
            if (data.content.length < MESSAGE_PAGE_SIZE)
                break;
        }
    }
    catch (e) {
        debug(`No error text for Testsigma's test results: ${e instanceof Error ? e.message : String(e)}`);
    }
    return found;
}

;// CONCATENATED MODULE: ./src/providers/index.ts
// The registry of platforms.




const PROVIDERS = { evaficy: evaficy, testsigma: testsigma, testery: testery, gearset: gearset };
function providerFor(name) {
    return PROVIDERS[name];
}
/** The registry the action runs with; tests may hand the step another (a platform of their own). */
const REGISTRY = { names: Object.keys(PROVIDERS), providerFor };

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/run-context.ts
// What the action needs to know about the workflow run it is part of. Read straight from the
// runner's GITHUB_* variables and its event file: @actions/github's context is these same variables, and importing it
// pulls a whole REST client into the bundle (about 1 MB and a third of the start-up time).

/** The event that started the workflow, as the runner's event file gives it; {} when there is none. */
function readEvent(env = process.env) {
    try {
        const event = env.GITHUB_EVENT_PATH ? JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8')) : undefined;
        return event && typeof event === 'object' ? event : {};
    }
    catch {
        return {};
    }
}
/** The environment_url of a deployment_status event; else undefined. */
function deployedUrl(env) {
    if (env.GITHUB_EVENT_NAME !== 'deployment_status')
        return undefined;
    const status = readEvent(env).deployment_status;
    const url = status && typeof status === 'object' ? status.environment_url : undefined;
    return typeof url === 'string' && url !== '' ? url : undefined;
}
function readRunContext(env = process.env) {
    // Only an owner/name of the characters GitHub allows, on an https server: it becomes a link.
    const repo = /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ? env.GITHUB_REPOSITORY : undefined;
    const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
    return {
        sha: env.GITHUB_SHA ?? '',
        repositoryUrl: repo && /^https:\/\/[^\s/]+$/.test(server) ? `${server}/${repo}` : undefined,
        previewUrl: deployedUrl(env)
    };
}

;// CONCATENATED MODULE: ./src/github/comment.ts
// What the commit status and the pull-request comment say: pure functions of the run.



/**
 * Platform text in a comment: escaped as in the summary, and no @mention that would notify anyone.
 * GitHub decodes `&#64;` before it looks for mentions, so the `@` stays and a zero-width joiner
 * after it breaks the mention (docs/reliability.md, "GitHub").
 */
const inert = (text, max) => forSummary(text, max).replace(/@/g, '@\u2060');
/** Only a pass is a success; a run not followed to its end stays pending, never a pass. */
function commitState(status) {
    switch (status) {
        case 'passed':
            return 'success';
        case 'failed':
            return 'failure';
        case 'cancelled':
        case 'error':
        case 'timed_out':
            return 'error';
        default:
            return 'pending';
    }
}
const WORDS = {
    triggered: 'started; not followed by this step',
    queued: 'queued',
    running: 'running',
    passed: 'passed',
    failed: 'failed',
    cancelled: 'cancelled',
    error: 'ended in an error',
    timed_out: 'still running when the step stopped waiting'
};
/** A URL inside a Markdown link: brackets and spaces encoded so the link cannot end early. */
const mdUrl = (url) => url.replace(/[()[\]\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
function comment_counts(run) {
    const c = run.counts;
    return [
        c.total !== undefined ? `${c.total} tests` : '',
        c.passed !== undefined ? `${c.passed} passed` : '',
        c.failed !== undefined ? `${c.failed} failed` : '',
        c.skipped !== undefined ? `${c.skipped} skipped` : ''
    ]
        .filter(Boolean)
        .join(', ');
}
function comment_duration(run) {
    const seconds = durationSeconds(run);
    return seconds === undefined ? undefined : formatDuration(seconds);
}
/** The commit status's one line (GitHub keeps 140 characters). */
function statusDescription(run) {
    const parts = [WORDS[run.status], comment_counts(run), comment_duration(run)].filter(Boolean).join(' \u00b7 ');
    return parts.length > 140 ? `${parts.slice(0, 139)}\u2026` : parts;
}
/** The hidden line that finds this step's comment again on a re-run: one comment per plan. */
const commentMarker = (key) => `<!-- trigger-test-run: ${key.replace(/-->/g, '')} -->`;
// A comment lists fewer failed tests than the job summary: it is read in the pull request.
const COMMENT_FAILURES = 20;
/** The pull-request comment: verdict, counts, the failed tests and links. Platform text is escaped. */
function commentBody(c, run, tests = []) {
    const link = run.url ? `[${inert(run.name ?? run.id)}](${mdUrl(run.url)})` : inert(run.name ?? run.id);
    const lines = [
        commentMarker(c.key),
        `### ${MARK[run.status]} ${inert(c.title)}: ${WORDS[run.status]}`,
        '',
        // The verdict is in the heading: the platform's own word for the run's state, once.
        `**Run:** ${link} (id ${inert(run.id, 80)}) \u00b7 ${inert(run.providerStatus, 100)}`
    ];
    const tally = comment_counts(run);
    if (tally)
        lines.push(`**Tests:** ${tally}`);
    const d = comment_duration(run);
    if (d)
        lines.push(`**Run time:** ${d}`);
    lines.push(...failedTests('Failed tests', tests, COMMENT_FAILURES), ...flakyTests(tests), ...footer(c));
    return lines.join('\n');
}
/** A folded table of failed tests, the first `room` listed and the rest counted. */
function failedTests(heading, tests, room) {
    return testsTable(heading, tests.filter((t) => t.status === 'failed'), room, (t) => t.error);
}
/** The tests that passed only on a re-run, with the error they first failed with. */
function flakyTests(tests) {
    return testsTable('Flaky tests: passed only on a re-run', flakyOf(tests), COMMENT_FAILURES, (t) => t.earlierFailures?.[0]?.error);
}
function testsTable(heading, failed, room, errorOf) {
    if (failed.length === 0)
        return [];
    const lines = ['', `<details${failed.length <= 5 ? ' open' : ''}><summary>${heading} (${failed.length})</summary>`, ''];
    if (room > 0)
        lines.push('| Test | Suite | Error |', '|---|---|---|');
    for (const t of failed.slice(0, room)) {
        const name = t.url ? `[${inert(t.name, 120)}](${mdUrl(t.url)})` : inert(t.name, 120);
        const error = errorOf(t);
        lines.push(`| ${name} | ${inert(t.suite ?? '', 80)} | ${error ? inert(error, 160) : ''} |`);
    }
    if (failed.length > room)
        lines.push('', `\u2026and ${failed.length - room} more: open the run for the full list.`);
    lines.push('', '</details>');
    return lines;
}
/** Where the comment comes from: the workflow run and the commit. */
function footer(c) {
    const from = c.workflowRunUrl ? `[workflow run](${c.workflowRunUrl})` : 'the workflow run';
    const short = inert(c.sha.slice(0, 7));
    const commit = c.commitUrl ? `[${short}](${mdUrl(c.commitUrl)})` : short;
    return ['', `<sub>Updated by ${from} for commit ${commit}.</sub>`];
}
/**
 * The one pull-request comment of a step of several runs: the verdict over them all, a row per run,
 * then the failed tests grouped by run (COMMENT_FAILURES in all). Platform text is escaped.
 */
function batchCommentBody(c, status, runs) {
    const passed = runs.filter((r) => r.run?.status === 'passed').length;
    const lines = [
        commentMarker(c.key),
        `### ${MARK[status]} ${inert(c.title)}: ${passed} of ${runs.length} runs passed`,
        '',
        '| Run | What | Status | Tests | Run time |',
        '|---|---|---|---|---|'
    ];
    for (const r of runs) {
        const run = r.run;
        const name = run ? (run.url ? `[${inert(run.name ?? run.id, 80)}](${mdUrl(run.url)})` : inert(run.name ?? run.id, 80)) : '\u2014';
        const state = run ? `${MARK[run.status]} ${WORDS[run.status]} \u00b7 ${inert(run.providerStatus, 60)}` : '\u26a0\ufe0f not started';
        const why = r.problem ? `<br>${inert(r.problem, 200)}` : '';
        lines.push(`| ${name} | ${inert(r.label, 80)} | ${state}${why} | ${run ? comment_counts(run) : ''} | ${run ? (comment_duration(run) ?? '') : ''} |`);
    }
    // The comment lists COMMENT_FAILURES failed tests in all, run after run.
    let room = COMMENT_FAILURES;
    for (const r of runs) {
        const tests = r.tests ?? [];
        lines.push(...failedTests(`Failed tests: ${inert(r.label, 80)}`, tests, room));
        room = Math.max(0, room - tests.filter((t) => t.status === 'failed').length);
    }
    lines.push(...footer(c));
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/github/publish.ts
// Results where the team looks: a commit status on the tested commit (pending, then the verdict)
// and one pull-request comment per plan, updated in place. Opt-in (`commitStatus`, `prComment`).
// @actions/github is loaded only when one of them is on, so a step without them starts as fast
// as before. Nothing here can fail the step: a refusal is a warning naming the permission.



// A status write or a comment is a small request: a GitHub API that does not answer in this long
// is not waited for (the step's verdict does not depend on it).
const GITHUB_TIMEOUT_MS = 10_000;
const HURRIED_TIMEOUT_MS = 2000;
// The workflow token's identity on GitHub.
const WORKFLOW_BOT = 'github-actions[bot]';
// 100 comments a page: a pull request with more than 2,000 comments gets a new one.
const MAX_COMMENT_PAGES = 20;
// Retries of a call GitHub refused for a while (5xx, a rate limit): at most this many, within the budget.
const GITHUB_ATTEMPTS = 3;
/** What a refusal means, per write: the permission the job's token needs for it. */
const PERMISSION = {
    status: 'statuses: write',
    comment: 'pull-requests: write',
    // Finding a commit's pull requests reads the repository's contents (README, Permissions).
    read: 'contents: read'
};
class GitHubPublisher {
    o;
    octokit;
    constructor(o) {
        this.o = o;
    }
    /**
     * The same publisher (its client and identity) under another title and key, writing only what
     * `writes` keeps on: a step of several runs sets one status per run and one comment for them all.
     */
    as(title, key, writes) {
        const other = new GitHubPublisher({ ...this.o, title, key, ...writes });
        other.octokit = this.client();
        other.step = this.step;
        return other;
    }
    client() {
        this.octokit ??= __nccwpck_require__.e(/* import() */ 163).then(__nccwpck_require__.bind(__nccwpck_require__, 7163)).then(({ getOctokit }) => getOctokit(this.o.token, { baseUrl: this.o.target.apiUrl }));
        return this.octokit;
    }
    /**
     * Once the workflow is cancelled the runner kills the step within seconds: a write to GitHub
     * then gets this long, and the comment is left as it was.
     */
    // Shared with the publishers `as` makes: the step is one, whichever run a write is about.
    step = { hurried: false };
    get hurried() {
        return this.step.hurried;
    }
    /** The step's cancel signal: a call in flight when the workflow is cancelled is abandoned. */
    get stepSignal() {
        return this.step.signal;
    }
    follow(signal) {
        this.step.signal = signal;
    }
    hurry() {
        this.step.hurried = true;
    }
    get timeoutMs() {
        return this.hurried ? HURRIED_TIMEOUT_MS : GITHUB_TIMEOUT_MS;
    }
    /**
     * The commit status, once the run is known (pending) and at the end (the verdict). `signal`: the
     * step's, while it still has other work to do (the pending status must not hold up a cancel).
     */
    async status(run, signal) {
        if (!this.o.commitStatus)
            return;
        // A run this step does not follow would leave a pending status nothing resolves: none is set.
        // A later step that attaches with runId and commitStatus sets one, pending then its verdict.
        if (run.status === 'triggered') {
            this.o.info('commitStatus: this step does not wait for the run, so it sets no commit status; a later step with `runId` and `commitStatus: true` sets it.');
            return;
        }
        const { owner, repo, sha } = this.o.target;
        const state = commitState(run.status);
        await this.attempt('status', `set the commit status on ${sha.slice(0, 7)}`, signal, async (gh, request) => {
            await gh.rest.repos.createCommitStatus({
                owner,
                repo,
                sha,
                state,
                context: oneLine(this.o.title, 100),
                description: statusDescription(run),
                ...(run.url ? { target_url: run.url } : {}),
                request
            });
            this.o.debug(`GitHub: commit status ${state} on ${sha}`);
        });
    }
    /** The pull-request comment with the run's summary: created once, then updated in place. */
    async comment(run, tests) {
        await this.commentWith((c) => commentBody(c, run, tests));
    }
    /** The pull-request comment `build` writes (one run's, or a step of several runs'), created once, then updated. */
    async commentWith(build) {
        if (!this.o.prComment || this.hurried)
            return;
        const { owner, repo, sha } = this.o.target;
        const pull = this.o.target.pullNumber ?? (await this.pullOf(sha));
        // The lookup failed and said why: whether there is a pull request is not known.
        if (pull === 'unknown')
            return;
        if (pull === undefined) {
            this.o.info(`No open pull request has commit ${sha.slice(0, 7)}: no comment was written.`);
            return;
        }
        const body = build({
            title: this.o.title,
            key: this.o.key,
            sha,
            workflowRunUrl: this.o.target.runUrl,
            commitUrl: this.o.target.commitUrl
        });
        const marker = commentMarker(this.o.key);
        await this.attempt('comment', `write the comment on pull request #${pull}`, undefined, async (gh, request) => {
            // Ours: the marker and the token's own identity; the newest one, if a race left two.
            const me = await this.identity(gh, request);
            const mine = (await this.comments(gh, pull, request)).filter((c) => c.body?.includes(marker) && c.user?.login === me).pop();
            if (mine) {
                await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body, request });
                this.o.info(`Updated the comment on pull request #${pull}.`);
            }
            else {
                await gh.rest.issues.createComment({ owner, repo, issue_number: pull, body, request });
                this.o.info(`Commented on pull request #${pull}.`);
            }
        });
    }
    /**
     * Every comment of the pull request, page by page, each page within the call's budget and signal
     * (octokit's paginate drops the request's signal). At most MAX_COMMENT_PAGES pages.
     */
    async comments(gh, pull, request) {
        const { owner, repo } = this.o.target;
        const all = [];
        for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
            const { data } = await gh.rest.issues.listComments({ owner, repo, issue_number: pull, per_page: 100, page, request });
            all.push(...data);
            if (data.length < 100)
                break;
        }
        return all;
    }
    /**
     * Who the token writes as: the user of a personal token, or the workflow token's bot (a token that
     * cannot read /user is an app's: GITHUB_TOKEN writes as github-actions[bot]).
     */
    login;
    async identity(gh, request) {
        if (this.login === undefined) {
            try {
                this.login = (await gh.rest.users.getAuthenticated({ request })).data.login;
            }
            catch (e) {
                // A rate limit says nothing of who the token is: it is waited out like any call's.
                const status = e.status;
                if ((status !== 403 && status !== 401) || isRateLimit(e))
                    throw e;
                this.login = WORKFLOW_BOT;
            }
        }
        return this.login;
    }
    /** The open pull request that has this commit (for events that do not name one). */
    async pullOf(sha) {
        const { owner, repo } = this.o.target;
        let found = 'unknown';
        await this.attempt('read', `find the pull request of commit ${sha.slice(0, 7)}`, undefined, async (gh, request) => {
            const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, request });
            found = data.find((p) => p.state === 'open')?.number;
        });
        return found;
    }
    /** One call to GitHub, within its time budget and the step's signal; a failure is a warning. */
    async attempt(what, action, signal, call) {
        // The caller's signal, else the step's while it has not fired: a call made after the cancel (the
        // final status, hurried) gets its own short budget instead.
        const own = signal ?? (this.stepSignal?.aborted ? undefined : this.stepSignal);
        const budget = budgeted(own, this.timeoutMs, `no answer within ${this.timeoutMs / 1000} s`);
        const until = Date.now() + this.timeoutMs;
        try {
            for (let attempt = 1;; attempt++) {
                try {
                    await call(await this.client(), { signal: budget.signal });
                    return;
                }
                catch (e) {
                    // 5xx and rate limits pass: tried again while the budget allows (docs/reliability.md, "GitHub").
                    const wait = retryAfterMs(e, attempt);
                    if (wait === undefined || attempt >= GITHUB_ATTEMPTS || Date.now() + wait >= until || budget.signal.aborted)
                        throw e;
                    this.o.debug(`GitHub: ${action} failed (HTTP ${e.status}); trying again in ${(wait / 1000).toFixed(1)} s`);
                    await new Promise((resolve) => {
                        const t = setTimeout(resolve, wait);
                        budget.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
                    });
                }
            }
        }
        catch (e) {
            // The workflow was cancelled: the step says so itself, and the final status follows.
            if (own?.aborted)
                return;
            this.o.warn(`Could not ${action}: ${this.explain(e, what)} The step's result is unchanged.`);
        }
        finally {
            budget.release();
        }
    }
    explain(e, what) {
        const err = e;
        const said = oneLine(redact(err.response?.data?.message ?? err.message ?? String(e), [this.o.token]), 200);
        if (err.name === 'TimeoutError' || err.name === 'AbortError' || /aborted|timeout/i.test(said))
            return `GitHub's API at ${this.o.target.apiUrl} did not answer within ${this.timeoutMs / 1000} s.`;
        // Octokit reports a request that got no answer as a status 500 with no response.
        if (err.response === undefined)
            return `the request to GitHub's API at ${this.o.target.apiUrl} failed (${said}).`;
        if (isRateLimit(e))
            return `GitHub's ${/secondary/i.test(said) ? 'secondary ' : ''}rate limit held this call past its ${this.timeoutMs / 1000} s budget (${said}).`;
        if (err.status !== undefined && err.status >= 500)
            return `GitHub's API answered ${err.status} (${said}), also when tried again.`;
        if (err.status === 403 || err.status === 404) {
            const grant = `GitHub answered ${err.status} (${said}). The workflow's token may not do this: give the job \`permissions: ${PERMISSION[what]}\`.`;
            // Only a write meets a fork's read-only token.
            if (what === 'read')
                return grant;
            return `${grant} A pull request from a fork gets a read-only token whatever the workflow asks for, so there the step cannot write.`;
        }
        if (err.status === 401)
            return `GitHub answered 401 (${said}): the token in \`githubToken\` was not accepted.`;
        return `GitHub answered ${err.status} (${said}).`;
    }
}
/** A refusal GitHub means for a while: a primary or secondary rate limit (403 or 429 that says so). */
function isRateLimit(e) {
    const err = e;
    if (err.status !== 403 && err.status !== 429)
        return false;
    const h = err.response?.headers ?? {};
    const said = `${err.response?.data?.message ?? ''} ${err.message ?? ''}`;
    return err.status === 429 || h['retry-after'] !== undefined || h['x-ratelimit-remaining'] === '0' || /rate limit/i.test(said);
}
/** How long to wait before trying a call again, or undefined when it must not be tried again. */
function retryAfterMs(e, attempt) {
    const err = e;
    const rateLimited = isRateLimit(e);
    if (!rateLimited && !(err.status !== undefined && err.status >= 500 && err.response !== undefined))
        return undefined;
    const after = Number(err.response?.headers?.['retry-after']);
    if (Number.isFinite(after) && after >= 0)
        return after * 1000;
    // GitHub asks for a minute after a secondary rate limit without Retry-After: past any budget here.
    return rateLimited ? 60_000 : 1000 * 2 ** (attempt - 1);
}

;// CONCATENATED MODULE: ./src/github/target.ts
// Where results go on GitHub: the repository, the commit that was tested and its pull request,
// read from the runner's variables and the event that started the workflow. A pull request's
// GITHUB_SHA is a merge commit that no one looks at, and a deployment_status, workflow_run or
// schedule workflow runs on a commit whose pull request the event does not always name.

const obj = (v) => (v && typeof v === 'object' ? v : undefined);
const str = (v) => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
/** The tested commit and its pull request, from the event payload. */
function fromEvent(name, event, fallbackSha) {
    const pr = obj(event.pull_request);
    if (pr)
        return { sha: str(obj(pr.head)?.sha) ?? fallbackSha, pullNumber: num(pr.number) };
    if (name === 'workflow_run') {
        const run = obj(event.workflow_run);
        const prs = Array.isArray(run?.pull_requests) ? run.pull_requests : [];
        return { sha: str(run?.head_sha) ?? fallbackSha, pullNumber: num(obj(prs[0])?.number) };
    }
    if (name === 'deployment_status' || name === 'deployment')
        return { sha: str(obj(event.deployment)?.sha) ?? fallbackSha };
    const issue = obj(event.issue);
    if (name === 'issue_comment' && issue?.pull_request)
        return { sha: fallbackSha, pullNumber: num(issue.number) };
    return { sha: fallbackSha };
}
/** The target from the runner's variables; undefined (with the reason) when they are missing. */
function readTarget(env = process.env) {
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    if (!owner || !repo || !env.GITHUB_SHA)
        return 'GITHUB_REPOSITORY or GITHUB_SHA is not set (this is not a GitHub Actions run)';
    const event = readEvent(env);
    const { sha, pullNumber } = fromEvent(env.GITHUB_EVENT_NAME ?? '', event, env.GITHUB_SHA);
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return {
        owner,
        repo,
        sha,
        pullNumber,
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        runUrl: env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
        commitUrl: /^[0-9a-f]{40}$/i.test(sha) ? `${server}/${owner}/${repo}/commit/${sha}` : undefined
    };
}

;// CONCATENATED MODULE: ./src/setup.ts
// The step's setting up, the same for the main and the post step: the inputs read and checked, the
// platform's client, the report's context and the GitHub publisher.












/** Reads and checks the inputs; reports the problems and returns nothing when there are any. */
function setUp(clock, step = 'main', registry = REGISTRY) {
    const runContext = readRunContext();
    const { inputs, problems, warnings, cause } = readInputs(runContext.sha, (name) => registry.providerFor(name).inputRules, registry.names, runContext.previewUrl);
    // The main step said these already; the post step reads the same inputs.
    if (step === 'main')
        for (const w of warnings)
            annotate('warning', w);
    if (!inputs) {
        if (cause)
            annotate('error', cause);
        for (const p of problems)
            annotate('error', p);
        verdict('error', `The step's inputs have ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above); no request was sent.`);
        return undefined;
    }
    const provider = registry.providerFor(inputs.provider);
    // A secure variable's value is a secret like the token: masked before anything can print it.
    for (const v of inputs.variables ?? [])
        if (v.secure && v.value)
            setSecret(v.value);
    // One key per invocation, saved before the first attempt: every attempt of the trigger carries it.
    const idempotencyKey = stepState.idempotencyKey() || (0,external_node_crypto_.randomUUID)();
    stepState.setIdempotencyKey(idempotencyKey);
    const deadline = step === 'main' ? clock.now() + inputs.timeoutMinutes * 60_000 : Infinity;
    const http = new HttpApi({
        platform: provider.title,
        baseUrl: baseUrlOf(inputs, provider, step),
        authorization: provider.authorization(inputs.token),
        secrets: [inputs.token],
        hints: provider.hints,
        errorMessage: provider.errorMessage,
        rateLimitHeaders: provider.rateLimitHeaders,
        runsPage: provider.runsPage,
        headers: provider.headers,
        readLimit: provider.readLimit,
        limitsPerAction: provider.limitsPerAction,
        idempotencyKey,
        clock
    }, deadline);
    const report = {
        provider: provider.name,
        platform: provider.title,
        ...runReport(provider, inputs),
        notes: [],
        nextStep: provider.nextStep,
        repositoryUrl: runContext.repositoryUrl
    };
    const note = (line) => {
        annotate('warning', oneLine(line, 500));
        report.notes.push(line);
    };
    const github = step === 'main' ? gitHubPublisher(inputs, provider) : undefined;
    return {
        inputs,
        provider,
        ctx: { inputs, http, run: runContext, note },
        report,
        deadline,
        github,
        index: 0,
        log: (l) => info(l),
        tag: '',
        idempotencyKey
    };
}
/** What the report says of how one run was started: where, which build, and the platform's details. */
function runReport(provider, inputs) {
    return {
        environment: inputs.environment,
        buildVersion: inputs.runId || (provider.buildSelectsCode && !inputs.buildChosen) ? undefined : inputs.buildVersion,
        details: inputs.runId ? [] : (provider.startDetails?.(inputs) ?? [])
    };
}
/**
 * The view of one run of a step of several (README, One gate over several runs): its own inputs,
 * its own Idempotency-Key on the same client (one pace, one retry budget, one deadline for them
 * all), its own commit status; the notes, the deadline and the signal stay the step's.
 */
function forRun(s, index) {
    const inputs = inputsOf(s.inputs, s.inputs.runs[index]);
    const key = `${s.idempotencyKey}-${index + 1}`;
    const { title, key: statusKey } = publishedAs(s.provider, inputs);
    return {
        ...s,
        inputs,
        ctx: { ...s.ctx, inputs, http: s.ctx.http.startingWith(key) },
        report: { ...s.report, ...runReport(s.provider, inputs) },
        github: s.github?.as(title, statusKey, { prComment: false }),
        index,
        log: (l) => info(`${runTag(inputs)} ${l}`),
        tag: `${runTag(inputs)} `
    };
}
/** The base URL requests go to: `baseUrl` without the vendor's documented API path, or the platform's own. */
function baseUrlOf(inputs, provider, step) {
    if (!inputs.baseUrl)
        return provider.defaultBaseUrl;
    const base = provider.apiPath ? withoutApiPath(inputs.baseUrl, provider.apiPath) : inputs.baseUrl;
    if (base !== inputs.baseUrl && step === 'main')
        info(`baseUrl ends with ${provider.apiPath}, the path every ${provider.title} request starts with: sending to ${base}${provider.apiPath}/\u2026`);
    return base;
}
/** The commit status and pull-request comment, when asked for and possible; a warning when not. */
function gitHubPublisher(inputs, provider) {
    if (!inputs.commitStatus && !inputs.prComment)
        return undefined;
    const asked = [inputs.commitStatus && 'commitStatus', inputs.prComment && 'prComment'].filter(Boolean).join(' and ');
    if (!inputs.githubToken) {
        annotate('warning', `${asked}: \`githubToken\` is empty, so nothing is written to GitHub. Leave it out to use the workflow's token.`);
        return undefined;
    }
    setSecret(inputs.githubToken);
    const target = readTarget();
    if (typeof target === 'string') {
        annotate('warning', `${asked}: ${target}, so nothing is written to GitHub.`);
        return undefined;
    }
    const { title, key } = publishedAs(provider, inputs);
    return new GitHubPublisher({
        token: inputs.githubToken,
        target,
        commitStatus: inputs.commitStatus,
        prComment: inputs.prComment,
        title,
        key,
        warn: (l) => annotate('warning', l),
        info: (l) => info(l),
        debug: (l) => debug(l)
    });
}
/**
 * The commit status's context (what a branch protection rule requires) and the comment's key: the
 * platform, what ran and where, so they stay the same from one workflow run to the next. A step
 * that attaches with `runId` alone knows no plan: its run ID names it, so that two such steps (a
 * matrix attaching to several runs) never write over each other's verdict (README, Results on the
 * pull request).
 */
function publishedAs(provider, inputs) {
    const plan = inputs.scenarioId ?? inputs.projectId ?? (inputs.runId ? `run ${inputs.runId}` : '');
    return {
        title: `${provider.title} ${plan}${inputs.environment ? ` (${inputs.environment})` : ''}`.replace(/\s+/g, ' ').trim(),
        key: [provider.name, plan, inputs.environment ?? ''].join(' ')
    };
}
/**
 * The one pull-request comment of a step of several runs: its title and key name every plan and
 * environment (or run) it covers, so the same step updates its own comment from one workflow run
 * to the next, and another step's is never touched.
 */
function batchPublishedAs(provider, inputs) {
    const all = (pick) => [...new Set(inputs.runs.map(pick).filter(Boolean))].join(', ');
    return publishedAs(provider, {
        projectId: inputs.projectId,
        scenarioId: all((r) => r.scenarioId) || undefined,
        environment: all((r) => r.environment) || undefined,
        runId: all((r) => r.runId) || undefined
    });
}
/** A run of several as the summary names it: its plan and environment, or its ID ("2090 \u00b7 10"). */
function runLabelOf(run) {
    return run.runId ? `run ${run.runId}` : [run.scenarioId, run.environment].filter(Boolean).join(' \u00b7 ');
}
/** The same at the start of a log line: "[2090 \u00b7 10]". */
const runTag = (run) => `[${runLabelOf(run)}]`;

;// CONCATENATED MODULE: ./src/post.ts
// The post step: the cancel a main step owes, tried again within its own budget.









// The post step's own budget for reading the run and cancelling it, retries included.
const POST_BUDGET_MS = 20_000;
/**
 * The post step (post-if: failure() || cancelled()): cancels the remote run when the main step
 * owes a cancel: the workflow was cancelled before the main step could, or the main step's cancel
 * failed or got no answer. Reads the run first (an ended run needs nothing; Gearset's cancel is
 * safe only while our run is Started), and tries again within its own budget. Never fails the job.
 */
async function post(clock = realClock, registry) {
    try {
        await retryCancel(clock, registry);
    }
    finally {
        // The post step never fails the job: what it could not do is a warning.
        process.exitCode = 0;
    }
}
async function retryCancel(clock, registry) {
    // Each run the main step saved (one, or each of several: README, One gate over several runs) that
    // it did not see to its end, or owes a cancel.
    const owing = Array.from({ length: MAX_RUNS }, (_, i) => i).filter((i) => stepState.runId(i) && !stepState.cancelSent(i) && (!stepState.done() || stepState.cancelOwed(i)));
    if (owing.length === 0)
        return;
    const s = setUp(clock, 'post', registry);
    if (!s || !s.inputs.cancelOnAbort)
        return;
    const until = clock.now() + POST_BUDGET_MS;
    // Every run this post step stops is the step's own, so a stop reaching one of them harms nobody.
    const ours = new Set(owing.map((i) => stepState.runId(i)));
    // The runs share the post step's budget: their cancels go out together.
    await Promise.all(owing
        .filter((i) => i < s.inputs.runs.length)
        .map((i) => {
        if (s.inputs.runs.length === 1)
            return retryOne(s, clock, until);
        const view = forRun(s, i);
        view.ctx.ownRuns = ours;
        return retryOne(view, clock, until);
    }));
}
async function retryOne(s, clock, until) {
    const runId = stepState.runId(s.index);
    info(stepState.cancelOwed(s.index)
        ? `The main step could not confirm the cancel of ${s.provider.title} run ${runId}: trying again.`
        : `The workflow was cancelled before the main step finished: cancelling ${s.provider.title} run ${runId}.`);
    let last;
    for (let attempt = 1; attempt <= 3; attempt++) {
        const left = () => until - clock.now();
        const run = await readForCancel(s, runId, Math.min(CANCEL_TIMEOUT_MS, left()));
        if (isTerminal(run)) {
            info(`Run ${runId} has ended (${oneLine(run.providerStatus)}): nothing to cancel.`);
            stepState.oweCancel(false, s.index);
            return;
        }
        if (left() < 1000)
            break;
        last = await cancelRemote(s, run, Math.min(CANCEL_TIMEOUT_MS, left()));
        // No wait after the last try, nor one the budget cannot follow with a try: the warning says it.
        if (last.done || !last.owed || attempt === 3 || left() < 2000)
            break;
        info(`${last.why} Trying again in ${attempt} s.`);
        await clock.sleep(1000 * attempt);
    }
    if (last && !last.done)
        warning(last.owed
            ? `${last.why} Gave up after ${Math.round((clock.now() - (until - POST_BUDGET_MS)) / 1000)} s: check ${s.provider.runsPage}.`
            : last.why);
}
/** The run's state before a cancel; "running, status unknown" when the read fails or names another run. */
async function readForCancel(s, runId, budgetMs) {
    const unknown = { id: runId, status: 'running', providerStatus: '', counts: {} };
    if (!s.provider.status)
        return unknown;
    try {
        const run = await s.provider.status(s.ctx, runId, AbortSignal.timeout(Math.max(budgetMs, 1)));
        if (run.id === runId)
            return run;
        info(`Reading run ${runId} before cancelling it gave run ${run.id} instead; going by what is known.`);
    }
    catch (e) {
        info(`Could not read run ${runId} before cancelling it (${e instanceof PlatformError ? whatFailed(e.info) : 'unexpected error'}).`);
    }
    return unknown;
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/junit.ts
// Per-test results as JUnit XML, the format the test-report actions people already use can publish.





const XML = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text for an XML attribute or element: escaped, and without characters XML 1.0 forbids. */
function xml(text) {
    return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML[c]);
}
const junit_seconds = (ms) => ((ms ?? 0) / 1000).toFixed(3);
/** A failure element with its error; no error text is invented where the platform gives none (Testsigma often does not). */
function junit_failure(tag, error) {
    const message = error === undefined ? '' : ` message="${xml(error.split('\n')[0].slice(0, 500))}"`;
    return `<${tag}${message}>${xml(error ?? '')}</${tag}>`;
}
const count = (list, status) => list.filter((t) => t.status === status).length;
const total = (list) => list.reduce((a, t) => a + (t.durationMs ?? 0), 0);
/** One `<testsuite>` element: its tests, each with the class name `classOf` gives it. */
function testsuite(name, list, classOf) {
    const lines = [
        `  <testsuite name="${xml(name)}" tests="${list.length}" failures="${count(list, 'failed')}" skipped="${count(list, 'skipped')}" time="${junit_seconds(total(list))}">`
    ];
    for (const t of list) {
        // `file` is what test reporters (mikepenz/action-junit-report, dorny/test-reporter) annotate.
        const file = t.file ? ` file="${xml(t.file)}"` : '';
        const open = `    <testcase name="${xml(t.name)}" classname="${xml(classOf(t))}"${file} time="${junit_seconds(t.durationMs)}"`;
        // Re-runs in Maven Surefire's format, which the common reporters read: a test that passed on a
        // re-run has a <flakyFailure> per failed attempt; one that failed every time has its first
        // failure as <failure> and each re-run's as <rerunFailure>.
        const earlier = t.earlierFailures ?? [];
        if (t.status === 'passed')
            lines.push(earlier.length === 0 ? `${open}/>` : `${open}>${earlier.map((f) => junit_failure('flakyFailure', f.error)).join('')}</testcase>`);
        else if (t.status === 'skipped')
            lines.push(`${open}><skipped/></testcase>`);
        else {
            const [first, ...later] = [...earlier, { error: t.error }];
            lines.push(`${open}>${junit_failure('failure', first.error)}${later.map((f) => junit_failure('rerunFailure', f.error)).join('')}</testcase>`);
        }
    }
    lines.push('  </testsuite>');
    return lines;
}
function junit_document(name, all, suites) {
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="${xml(name)}" tests="${all.length}" failures="${count(all, 'failed')}" skipped="${count(all, 'skipped')}" time="${junit_seconds(total(all))}">`,
        ...suites.flat(),
        '</testsuites>',
        ''
    ].join('\n');
}
/** One run's results: a `<testsuite>` per suite the platform names. */
function toJUnitXml(platform, run, tests) {
    const suites = new Map();
    for (const t of tests) {
        const key = t.suite ?? run.name ?? platform;
        suites.set(key, [...(suites.get(key) ?? []), t]);
    }
    return junit_document(`${platform} run ${run.id}`, tests, [...suites].map(([suite, list]) => testsuite(suite, list, () => suite)));
}
/**
 * The results of a step of several runs: a `<testsuite>` per run, named by what it ran and its
 * ID, each test's own suite as its class name (README, One gate over several runs).
 */
function toJUnitXmlOfRuns(platform, runs) {
    return junit_document(`${platform} runs ${runs.map((r) => r.run.id).join(', ')}`, runs.flatMap((r) => r.tests), runs.map((r) => testsuite(`${r.label} (run ${r.run.id})`, r.tests, (t) => t.suite ?? r.run.name ?? platform)));
}
/** Writes the JUnit file, making its folder; a failure is a warning, never the step's. */
function writeJUnitFile(path, xml, count) {
    try {
        (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
        (0,external_node_fs_namespaceObject.writeFileSync)(path, xml);
        info(`Wrote the results of ${count} tests as JUnit XML to ${path}.`);
    }
    catch (e) {
        annotate('warning', `Could not write the JUnit file ${path}: ${oneLine(e.message)}`);
    }
}

;// CONCATENATED MODULE: ./src/verdict.ts
// The verdict: the final state of a run turned into the step's result, one annotation that is
// always shown (annotations.ts) and the exit code. It takes plain data, never main.ts's own types.



/** The verdict's context from the step's inputs and the platform's name. */
function verdictContextOf(inputs, platform) {
    return {
        platform,
        failOnTestFailure: inputs.failOnTestFailure,
        cancelOnAbort: inputs.cancelOnAbort,
        timeoutMinutes: inputs.timeoutMinutes
    };
}
/** The run as a reader names it: its name, if any, and its ID. */
function runLabel(run) {
    return `${run.name ? `${oneLine(run.name, 120)} ` : ''}(id ${run.id})`;
}
/** The platform reported counts, and not one test passed or failed (skipped ones do not count). */
function noTestExecuted(s) {
    const c = s.counts;
    const reported = c.total !== undefined || c.passed !== undefined || c.failed !== undefined;
    return reported && (c.passed ?? 0) + (c.failed ?? 0) === 0;
}
/**
 * A pass with no test executed is no pass (failOnNoTests): a plan or suite that selects nothing
 * must not gate a deploy through. Runs without counts are not judged: no counts is not zero tests.
 */
function checkedForTests(s) {
    if (s.status !== 'passed' || !noTestExecuted(s))
        return s;
    return { ...s, status: 'failed', message: `${s.providerStatus} reported with no test executed` };
}
/** The final state of one run in words: what the verdict says, and whether it fails the step. */
function verdictOf(v, run, cancelled) {
    const where = `${v.platform} run ${runLabel(run)}${run.url ? ` ${run.url}` : ''}`;
    const c = run.counts;
    const tally = c.failed !== undefined ? `: ${c.failed} of ${c.total ?? '?'} tests failed` : '';
    const word = oneLine(run.providerStatus, 100);
    switch (run.status) {
        case 'triggered':
        case 'queued':
        case 'running':
            return { kind: 'notice', message: `Started ${where}` };
        case 'passed':
            return {
                kind: 'notice',
                message: `Tests passed: ${where}${run.flaky ? ` (${run.flaky} of them only on a re-run: flaky, listed in the job summary)` : ''}`,
                ...(noTestExecuted(run) && {
                    warning: `${where} passed with no test executed: check that the test plan or suite selects tests. Not failing the step: failOnNoTests is false.`
                })
            };
        case 'failed':
            // A pass turned into a failure for want of tests (checkedForTests) says so, and how to allow it.
            if (noTestExecuted(run) && run.message?.endsWith('with no test executed'))
                return {
                    kind: 'error',
                    message: `No test was executed (${word}): ${where}. A run without tests is not a pass: check that the test plan or suite selects tests, or set failOnNoTests: false.`
                };
            // Every test passed in the end, some only on a re-run, and failOnFlaky holds that against them.
            if (run.flaky && run.counts.failed === 0)
                return {
                    kind: 'error',
                    message: `${run.flaky} test${run.flaky === 1 ? '' : 's'} passed only on a re-run (flaky), and failOnFlaky is true: ${where}`
                };
            if (v.failOnTestFailure)
                return { kind: 'error', message: `Tests failed${tally} (${word}): ${where}` };
            return { kind: 'warning', message: `Tests failed${tally} (${word}): ${where}. Not failing the step: failOnTestFailure is false.` };
        case 'cancelled':
            // The platform's reason, where it gives one (Testery: "Canceled - Due to newer test run").
            return {
                kind: 'error',
                message: `The run was cancelled on ${v.platform} (${word})${run.message ? `: ${oneLine(run.message, 200)}` : ''}. ${where}`
            };
        case 'error':
            return {
                kind: 'error',
                message: `The run ended in an error on ${v.platform} (${word})${run.message ? `: ${oneLine(run.message, 200)}` : ''}. ${where}`
            };
        case 'timed_out':
            return {
                kind: 'error',
                message: `Stopped waiting after ${formatDuration(Math.round(v.timeoutMinutes * 60))}: ${where} was still ${word}. ` +
                    (cancelled
                        ? 'It was cancelled on the platform.'
                        : v.cancelOnAbort
                            ? 'It was not cancelled (see the warning above), so it goes on there.'
                            : 'It goes on there; raise `timeoutMinutes` to wait longer, or set `cancelOnAbort: true` to stop it.')
            };
    }
}
/** Turns the final state into the step's result: the verdict annotation and the exit code. */
function giveVerdict(v, run, cancelled) {
    const r = verdictOf(v, run, cancelled);
    if (r.warning)
        annotate('warning', r.warning);
    verdict(r.kind, r.message);
}

;// CONCATENATED MODULE: ./src/outcome.ts
// How the main step ended, as one tagged union, and the one function that says what each ending
// means: the outputs, the job summary, and what comes after it (per-test annotations, the JUnit
// file, the verdict and so the exit code). Building the report sends nothing; main.ts writes it.





/** The outputs of a step that has no run to name. */
const noRun = (status) => ({ id: '', status, providerStatus: '', counts: {} });
function reportOf(o, { inputs, title, report }) {
    const verdictContext = verdictContextOf(inputs, title);
    switch (o.kind) {
        case 'triggered':
            return { outputs: o.run, summary: () => buildRunSummary(report, o.run), conclude: () => giveVerdict(verdictContext, o.run, false) };
        case 'followed': {
            const { tests, cancelled, reruns } = o;
            const flaky = tests ? flakyOf(tests) : [];
            const run = inputs.failOnNoTests ? checkedForTests(o.run) : o.run;
            const timeoutNote = cancelled
                ? 'This step stopped waiting at the timeout and cancelled the run on the platform.'
                : 'This step stopped waiting at the timeout; the run goes on on the platform. Open it to see how it ends.';
            return {
                outputs: run,
                tests,
                summary: () => {
                    buildRunSummary(report, run, run.status === 'timed_out' ? timeoutNote : undefined);
                    if (reruns)
                        buildReruns(reruns.attempts, reruns.stopped);
                    if (tests)
                        buildFailedTests(tests);
                    buildFlakyTests(flaky);
                },
                conclude: () => {
                    if (tests && inputs.annotateTests)
                        annotateFailedTests(title, tests, run.status === 'failed' && !inputs.failOnTestFailure ? 'warning' : 'error');
                    // Never a silent pass: the tests that passed only on a re-run are named where the verdict is read.
                    if (flaky.length > 0)
                        annotate('warning', oneLine(`${flaky.length} test${flaky.length === 1 ? '' : 's'} passed only on a re-run (flaky): ${flaky.map((t) => `${t.suite ? `${t.suite} \u203a ` : ''}${t.name}`).join(', ')}`, 1000));
                    if (tests && inputs.junitPath)
                        writeJUnitFile(inputs.junitPath, toJUnitXml(title, run, tests), tests.length);
                    giveVerdict(verdictContext, run, cancelled);
                }
            };
        }
        case 'stopped': {
            const shown = { ...o.last, status: 'cancelled' };
            const fate = o.cancelled
                ? 'cancelled it on the platform.'
                : inputs.cancelOnAbort
                    ? 'it was not cancelled (see the warning above).'
                    : 'it goes on there (cancelOnAbort is false).';
            const goesOn = o.cancelled ? 'The run was cancelled on the platform too.' : 'The run goes on on the platform.';
            return {
                outputs: shown,
                summary: () => buildRunSummary(report, shown, `The workflow was cancelled while this step waited. ${goesOn}`),
                conclude: () => verdict('error', `The workflow was cancelled while waiting for ${title} run ${runLabel(o.last)}: ${fate}`)
            };
        }
        case 'failed': {
            // Outputs on every path: a step cancelled while starting says cancelled, with no run ID.
            const status = o.cancelled ? 'cancelled' : 'error';
            return {
                outputs: o.last ? { ...o.last, status } : noRun(status),
                summary: () => buildErrorSummary(report, o.error, o.last),
                conclude: () => verdict('error', o.message)
            };
        }
        case 'bug':
            // Said plainly, without a stack trace and without any secret.
            return {
                outputs: o.last ? { ...o.last, status: 'error' } : noRun('error'),
                summary: () => undefined,
                conclude: () => verdict('error', `Unexpected error in the action: ${oneLine(redact(o.message, [inputs.token]), 500)}. Please report it.`)
            };
    }
}

;// CONCATENATED MODULE: ./src/trigger.ts
// Starting a run exactly once. The HTTP client re-sends a trigger only when it provably did not
// arrive; after an ambiguous failure (reset after sending, timeout, 5xx, unreadable answer) this
// module looks for the run the request may have started and adopts it, rather than sending again.


// How early a run's creation time may read against the moment the request was sent, once the
// platform's clock is known from its Date header: both are stamped to the second, and the answer
// took some time to arrive. Without a Date header the clocks are taken as synced, a little looser.
const SLACK_MS = 2000;
const SLACK_WITHOUT_DATE_MS = 5000;
/**
 * The runs this step's request could have created (docs/reliability.md, "Neighbours"): every field
 * the step sent that the listing shows is the same, and the run was created after the request
 * was sent, on the platform's clock. A run whose entry does not show a field is not taken.
 */
function ownRuns(listing, identity, sentAtEpochMs) {
    const offset = listing.clockOffsetMs;
    const earliest = sentAtEpochMs + (offset ?? 0) - (offset === undefined ? SLACK_WITHOUT_DATE_MS : SLACK_MS);
    return listing.runs.filter((c) => Object.entries(identity.shown).every(([field, sent]) => same(field, c.echoed[field], sent)) &&
        c.createdAt !== undefined &&
        c.createdAt.getTime() >= earliest);
}
function same(field, echoed, sent) {
    if (echoed === undefined)
        return false;
    // A full SHA and an abbreviation of it name the same commit.
    if (field === 'ref') {
        const [x, y] = [echoed.toLowerCase(), sent.toLowerCase()];
        return x.startsWith(y) || y.startsWith(x);
    }
    return echoed === sent;
}
/** The step's run in words: "build 812 in environment 10" (what the reader would look for). */
function described(identity) {
    return Object.entries(identity.shown)
        .map(([field, value]) => `${field} ${value}`)
        .join(', ');
}
async function startRun(provider, ctx, log, signal, nowEpochMs = Date.now) {
    const sentAt = nowEpochMs();
    try {
        return { run: await provider.trigger(ctx, signal), adopted: false };
    }
    catch (e) {
        if (e instanceof PlatformError && signal?.aborted)
            throw cancelledWhileStarting(provider, e);
        if (e instanceof PlatformError && e.info.platformMessage && provider.busyMessage?.test(e.info.platformMessage)) {
            // The platform refused the start because the plan is running already: named as that, whatever its status code.
            throw withHint(e, `${provider.title} says this is already running, so it started no new run: wait for the running one to end (see ${provider.runsPage}) or stop it there, then run the job again.`);
        }
        if (!(e instanceof PlatformError) || !mayHaveTakenEffect(e.info) || !provider.recentRuns)
            throw e;
        const identity = provider.startIdentity?.(ctx.inputs) ?? { shown: {}, unseen: [] };
        if (identity.unseen.length > 0) {
            // A run this step started cannot be told from a neighbour's by what the listing shows.
            throw withHint(e, `the request reached ${provider.title}, so a run may have started; ${provider.title}'s run listing does not show ${identity.unseen.join(', ')}, so it cannot tell this step's run from another job's: look at ${provider.runsPage} before running the job again, and follow the right run with \`runId\`.`);
        }
        log(`${provider.title}: the trigger request failed after reaching the platform (${whatFailed(e.info)}); looking for the run it may have started, instead of sending it again.`);
        let mine;
        try {
            mine = ownRuns(await provider.recentRuns(ctx, signal), identity, sentAt);
        }
        catch (listError) {
            const why = listError instanceof PlatformError ? whatFailed(listError.info) : 'an unexpected error';
            throw withHint(e, `the request reached ${provider.title}, so a run may have started, and listing the runs to check failed (${why}): look at ${provider.runsPage} before running the job again.`);
        }
        const what = described(identity);
        if (mine.length === 1) {
            log(`Found run ${mine[0].state.id} (${what}), created after this step's request: following it.`);
            return { run: mine[0].state, adopted: true };
        }
        if (mine.length === 0) {
            throw withHint(e, `no run with ${what} was created on ${provider.title} after the request, so the request most likely did nothing; one may still appear: look at ${provider.runsPage} before running the job again.`);
        }
        throw withHint(e, `${mine.length} runs with ${what} were created on ${provider.title} since the request (ids ${mine.map((m) => m.state.id).join(', ')}): look at ${provider.runsPage} and follow the right one with \`runId\`.`);
    }
}
/**
 * The workflow was cancelled while the step was starting the run. Only a write that was in
 * flight can have started one; the reader is told which it was, and where to look.
 */
function cancelledWhileStarting(provider, e) {
    const wrote = e.info.method !== undefined && e.info.method !== 'GET';
    return withHint(e, wrote && e.info.reached
        ? `the workflow was cancelled while the start request was in flight, so a run may have started: look at ${provider.runsPage}, and stop it there if it is not wanted.`
        : `the workflow was cancelled before the start request was sent: no run was started on ${provider.title}.`);
}
function withHint(e, hint) {
    return new PlatformError({ ...e.info, hint });
}

;// CONCATENATED MODULE: ./src/run-steps.ts
// The steps every run goes through, in a step of one run (main.ts) and of several (batch.ts): its
// start or attach, the wait's options, and the reading of its per-test results.










// Reads that only decorate the report (per-test results) end by the deadline, or this long after
// it when the run ended at the last moment: the verdict is never held up longer.
const REPORT_GRACE_MS = 10_000;
/**
 * The per-test results of a run that ended, when they are worth reading: it did not pass (to list
 * the failures), or a JUnit file was asked for. A failure here is a warning, never the step's.
 */
async function readTestResults(s, run, clock, signal, 
/** Read them whatever the run's end (a re-run: its passes are what it is for). */
always = false) {
    if (!s.provider.testResults || !isTerminal(run) || (run.status === 'passed' && !s.inputs.junitPath && !always))
        return undefined;
    const budget = budgeted(signal, Math.round(Math.max(s.deadline - clock.now(), REPORT_GRACE_MS)), 'the report budget ran out');
    try {
        return await s.provider.testResults(s.ctx, run, budget.signal);
    }
    catch (e) {
        if (e instanceof PlatformError && e.info.kind === 'too-large') {
            // Past the size cap the summary says so; the verdict comes from the run's own status.
            s.report.notes.push(`The per-test results of this run are larger than ${e.info.detail}, so they are not listed and no JUnit file was written; the verdict above comes from the run's own status. Open the run for the failed tests.`);
        }
        annotate('warning', `Could not read the per-test results: ${e instanceof PlatformError ? e.message : oneLine(redact(String(e), [s.inputs.token]))}`);
        return undefined;
    }
    finally {
        budget.release();
    }
}
/** Attaches to the run in `runId`, or starts one. */
async function openRun(s, signal) {
    const { inputs, provider, ctx } = s;
    if (inputs.runId) {
        const runId = inputs.runId;
        s.log(`Attaching to ${provider.title} run ${runId}\u2026`);
        const found = await provider.status(ctx, runId, signal).catch((e) => {
            if (!(e instanceof PlatformError) || e.info.status !== 404)
                throw e;
            const where = provider.runScope ? ` under ${provider.runScope}` : '';
            throw new PlatformError({
                ...e.info,
                hint: `there is no run ${runId}${where} that this token can see: check \`runId\` comes from the step that started the run (its \`runId\` output), with the same account${where ? ' and job' : ''}.`
            });
        });
        // Only the run asked for may be followed and reported: an answer about another one is refused.
        if (found.id !== runId)
            throw otherRun(provider.title, runId, found.id);
        // Recorded like a started run: a cancel owed on it is the post step's to retry.
        stepState.setRunId(runId, s.index);
        return found;
    }
    s.log(`Starting a test run on ${provider.title}\u2026`);
    for (const d of s.report.details)
        s.log(`${d.label}: ${oneLine(d.value)}`);
    const { run } = await startRun(provider, ctx, (l) => annotate('warning', `${s.tag}${l}`), signal);
    stepState.setRunId(run.id, s.index);
    s.log(`Created run ${runLabel(run)}${run.counts.total !== undefined ? ` with ${run.counts.total} tests` : ''}.`);
    if (run.url)
        s.log(`Open it: ${run.url}`);
    if (run.message)
        s.log(`${provider.title} said: ${oneLine(run.message)}`);
    // Pending only for a run this step follows to its verdict (docs/reliability.md, "GitHub").
    if (inputs.wait)
        await s.github?.status(run, signal);
    return run;
}
/** How the wait follows a run of this step: the schedule, the deadline, the log. */
function waitOptions(s, clock, signal) {
    const { inputs, provider, ctx } = s;
    return {
        provider,
        ctx,
        clock,
        deadline: s.deadline,
        schedule: {
            ...DEFAULT_SCHEDULE,
            minMs: provider.pollFloorMs,
            noProgressCounts: provider.noProgressCounts,
            fixedMs: inputs.pollIntervalSeconds !== undefined ? inputs.pollIntervalSeconds * 1000 : undefined
        },
        signal,
        justCreated: !inputs.runId,
        log: s.log,
        warn: (l) => annotate('warning', `${s.tag}${l}`),
        debug: (l) => debug(l)
    };
}

;// CONCATENATED MODULE: ./src/batch-report.ts
// The report of a step of several runs (README, One gate over several runs): the outputs (the worst
// status, the counts summed, the first run's ID and link, every run in `result`), a job summary
// with a row per run above the failed tests grouped by run, and one verdict over them all.
// Building it sends nothing; batch.ts writes it.







// Worst first: the one status that stands for the step (the `status` output, the heading's mark). A
// verdict on the tests (failed) comes before a run stopped (the others failFast cancelled).
const WORST_FIRST = ['error', 'failed', 'timed_out', 'cancelled', 'running', 'queued', 'triggered', 'passed'];
/** The run as the report shows it: the status the step gives it, which a stop or failure overrides. */
function shownState(b, failOnNoTests) {
    if (!b.run)
        return undefined;
    if (b.stopped)
        return { ...b.run, status: 'cancelled' };
    if (b.failure)
        return { ...b.run, status: 'error' };
    return failOnNoTests ? checkedForTests(b.run) : b.run;
}
/** A count summed over the runs, only where every run reports it: a sum of some is no total. */
function summed(states, key) {
    if (states.length === 0 || states.some((s) => s.counts[key] === undefined))
        return undefined;
    return states.reduce((a, s) => a + (s.counts[key] ?? 0), 0);
}
/**
 * The step's outputs over its runs: the worst status (and its run's own word), the counts summed,
 * the first run's ID, name and link, the time from the first start to the last end.
 */
function combined(states) {
    const known = states.filter((s) => s !== undefined);
    const status = states.some((s) => s === undefined) ? 'error' : WORST_FIRST.find((w) => known.some((s) => s.status === w));
    const worst = known.find((s) => s.status === status);
    const first = known[0];
    const starts = known.map((s) => s.startedAt?.getTime());
    const ends = known.map((s) => s.endedAt?.getTime());
    const timed = known.length > 0 && [...starts, ...ends].every((t) => t !== undefined);
    return {
        id: first?.id ?? '',
        name: first?.name,
        url: first?.url,
        status,
        providerStatus: worst?.providerStatus ?? '',
        counts: {
            total: summed(known, 'total'),
            passed: summed(known, 'passed'),
            failed: summed(known, 'failed'),
            skipped: summed(known, 'skipped')
        },
        ...(timed && { startedAt: new Date(Math.min(...starts)), endedAt: new Date(Math.max(...ends)) })
    };
}
/** The outputs of the step: those of `combined`, with `result` carrying every run's own, in order. */
function batchOutputs(provider, runs, failOnNoTests) {
    const states = runs.map((b) => shownState(b, failOnNoTests));
    const out = runOutputs(provider, combined(states));
    const all = JSON.parse(out.result);
    out.result = JSON.stringify({
        ...all,
        runs: runs.map((b, i) => {
            const s = states[i];
            const own = s ? JSON.parse(runOutputs(provider, s).result) : { provider, status: 'error' };
            return { ...own, run: b.label, ...(b.failure ? { problem: oneLine(b.failure, 500) } : {}) };
        })
    });
    return out;
}
/** What the row of a run that did not end on its own says. */
function problemOf(b) {
    if (b.failure)
        return b.failure;
    if (b.stopped === 'failFast')
        return `Not waited for: another run failed the step (failFast)${b.cancelled ? '; cancelled on the platform' : '; not cancelled on the platform'}.`;
    if (b.stopped === 'signal')
        return `The workflow was cancelled while this step waited${b.cancelled ? '; cancelled on the platform' : ''}.`;
    return undefined;
}
/** The job summary: the verdict over the runs, a row per run, the notes, the failed tests by run. */
function buildBatchSummary(c, runs) {
    const states = runs.map((b) => shownState(b, c.inputs.failOnNoTests));
    const status = combined(states).status;
    const passed = states.filter((s) => s?.status === 'passed').length;
    const stopped = runs.filter((b) => b.stopped === 'failFast').length;
    const headline = runs.some((b) => b.stopped === 'signal')
        ? `The workflow was cancelled while waiting for ${runs.length} runs`
        : status === 'triggered'
            ? `${runs.length} test runs created`
            : status === 'passed'
                ? `All ${runs.length} runs passed`
                : `${runs.length - passed - stopped} of ${runs.length} runs did not pass${stopped > 0 ? `, ${stopped} stopped by failFast` : ''}`;
    const s = summary;
    s.addHeading(`${MARK[status]} ${headline} on ${forSummary(c.title)}`, 2);
    // The inputs that tell the runs apart name the column of what each ran.
    const what = c.inputs.runs.some((r) => r.runId)
        ? 'runId'
        : ['scenarioId', 'environment'].filter((n) => c.inputs.runs.some((r) => r[n])).join(' \u00b7 ');
    const header = ['Run', what, `${forSummary(c.title)} status`, 'Tests', 'Run time'].map((data) => ({ data, header: true }));
    const rows = runs.map((b, i) => {
        const st = states[i];
        // The platform's own line, where it says why a run did not pass (not "completed" on every row).
        const problem = problemOf(b) ?? (st?.status !== 'passed' ? st?.message : undefined);
        const word = st ? `${MARK[st.status]} <code>${forSummary(st.providerStatus || st.status)}</code>` : '\u26a0\ufe0f not started';
        const seconds = st ? durationSeconds(st) : undefined;
        return [
            st ? runCell(st) : '\u2014',
            forSummary(b.label),
            `${word}${problem ? `<br>${forSummary(problem, 400)}` : ''}`,
            st ? testsCell(st.counts) : '',
            seconds === undefined ? '' : formatDuration(seconds)
        ];
    });
    s.addTable([header, ...rows]);
    // What the runs share (the build, how they were started) is said once, below them.
    const shared = [
        ...(c.report.buildVersion ? [row('Build', buildCell(c.report.buildVersion, c.report.repositoryUrl))] : []),
        ...c.report.details.map((d) => row(forSummary(d.label), withShortShas(forSummary(d.value), c.report.repositoryUrl)))
    ];
    if (shared.length > 0)
        s.addTable(shared);
    addNotes(c.report);
    if (status === 'triggered')
        s.addHeading('What happens next', 3).addRaw(`<p>${c.report.nextStep}</p>`, true);
    for (const b of runs)
        if (b.tests)
            buildFailedTests(b.tests, `Failed tests: ${forSummary(b.label)}`);
}
/** Each run's verdict in words; a run with no ending of its own says why. */
function verdictsOf(v, runs, failOnNoTests) {
    return runs.map((b) => {
        const st = shownState(b, failOnNoTests);
        if (b.failure)
            return { kind: 'error', message: b.failure, label: b.label };
        if (b.stopped || !st)
            return { kind: 'error', message: problemOf(b) ?? 'not started.', label: b.label };
        return { ...verdictOf(v, st, b.cancelled), label: b.label };
    });
}
/**
 * Each run's words after its label, one sentence each; runs that failed for the same reason (a
 * refused token, say) are named together, so the reason is said once.
 */
function listed(verdicts) {
    const byMessage = new Map();
    for (const r of verdicts)
        byMessage.set(r.message, [...(byMessage.get(r.message) ?? []), r.label]);
    return [...byMessage].map(([message, labels]) => `${labels.join(', ')}: ${/[.!?]$/.test(message) ? message : `${message}.`}`).join(' ');
}
/**
 * What follows the summary: per-test annotations (sharing GitHub's 10 a kind, the verdict's place
 * kept), one JUnit file with a `<testsuite>` per run, and the one verdict, which fails the step
 * unless every run passed.
 */
function concludeBatch(c, runs, v) {
    const { inputs, title } = c;
    const states = runs.map((b) => shownState(b, inputs.failOnNoTests));
    for (const [i, b] of runs.entries()) {
        const st = states[i];
        if (!b.tests || !st || !inputs.annotateTests)
            continue;
        annotateFailedTests(`${title} ${b.label}`, b.tests, st.status === 'failed' && !inputs.failOnTestFailure ? 'warning' : 'error');
    }
    const withTests = runs.flatMap((b, i) => (b.tests && states[i] ? [{ label: b.label, run: states[i], tests: b.tests }] : []));
    if (inputs.junitPath && withTests.length > 0)
        writeJUnitFile(inputs.junitPath, toJUnitXmlOfRuns(title, withTests), withTests.reduce((a, r) => a + r.tests.length, 0));
    const verdicts = verdictsOf(v, runs, inputs.failOnNoTests);
    for (const r of verdicts)
        if (r.warning)
            annotate('warning', r.warning);
    const n = runs.length;
    if (runs.some((b) => b.stopped === 'signal')) {
        const cancelled = runs.filter((b) => b.cancelled).length;
        const fate = cancelled > 0
            ? `cancelled ${cancelled} of them on the platform${cancelled < n ? ' (see the warnings above for the others)' : ''}.`
            : inputs.cancelOnAbort
                ? 'they were not cancelled (see the warnings above).'
                : 'they go on there (cancelOnAbort is false).';
        verdict('error', `The workflow was cancelled while waiting for ${n} ${title} runs: ${fate}`);
        return;
    }
    const failing = verdicts.filter((r, i) => r.kind === 'error' && runs[i].stopped !== 'failFast');
    const stopped = runs.filter((b) => b.stopped === 'failFast').length;
    const warned = verdicts.filter((r) => r.kind === 'warning');
    if (failing.length > 0 || stopped > 0) {
        const rest = stopped > 0 ? ` failFast stopped waiting for the other ${stopped === 1 ? 'run' : `${stopped} runs`}.` : '';
        verdict('error', `${failing.length} of ${n} ${title} runs failed the step: ${listed(failing)}${rest}`);
    }
    else if (warned.length > 0)
        verdict('warning', `${warned.length} of ${n} ${title} runs failed: ${listed(warned)}`);
    else if (states.every((s) => s?.status === 'triggered'))
        verdict('notice', `Started ${n} ${title} runs: ${listed(verdicts.map((r) => ({ ...r, message: r.message.replace(/^Started /, '') })))}`);
    else
        verdict('notice', `All ${n} ${title} runs passed: ${runs.map((b, i) => `${b.label} (id ${states[i]?.id})`).join(', ')}.`);
}

;// CONCATENATED MODULE: ./src/batch.ts
// A step of several runs (README, One gate over several runs): each run started once, by a request
// of its own, all at the same time; all followed together under the step's one deadline and one
// client (one pace and one retry budget for the platform, a pause it asks for held by every run);
// cancelled together on a signal; reported as one, with one verdict.













/** The main step of a step of several runs. Resolves when the step is over; never throws. */
async function runMany(s, clock, stop) {
    const { inputs, provider } = s;
    const follows = inputs.wait || inputs.runId !== undefined;
    const entries = inputs.runs.map((run, i) => ({ view: forRun(s, i), label: runLabelOf(run), cancelled: false }));
    // failFast: the first run that fails the step stops the others' waits (never a start in flight).
    const failed = new AbortController();
    const waits = AbortSignal.any([stop, failed.signal]);
    const v = verdictContextOf(inputs, provider.title);
    s.log(`${inputs.runId ? 'Attaching to' : 'Starting'} ${entries.length} runs on ${provider.title}: ${entries.map((e) => e.label).join(', ')}.`);
    // Once every run is started (or failed to), the outputs name them: a step killed while it waits
    // still leaves its runs' IDs for a later step.
    let opened = 0;
    const onOpened = () => {
        if (++opened === entries.length)
            writeOutputs(s, entries);
    };
    await Promise.all(entries.map(async (e) => {
        try {
            e.run = await openRun(e.view, stop);
            onOpened();
            if (!follows) {
                e.run = { ...e.run, status: 'triggered' };
                return;
            }
            e.run = await waitForRun(e.run, { ...waitOptions(e.view, clock, waits), onState: (st) => (e.run = st) });
            e.view.log(`Final: ${progressLine(e.run)}`);
        }
        catch (err) {
            if (err instanceof WaitAborted || (stop.aborted && err instanceof PlatformError && e.run)) {
                e.run = err instanceof WaitAborted ? err.last : e.run;
                e.stopped = stop.aborted ? 'signal' : 'failFast';
                return;
            }
            if (err instanceof WaitFailed)
                e.run = err.last;
            e.failure =
                err instanceof WaitFailed || err instanceof PlatformError
                    ? err.message
                    : `Unexpected error in the action: ${oneLine(redact(err instanceof Error ? err.message : String(err), [inputs.token]), 500)}. Please report it.`;
            // Its start failed: it counts as opened, with its failure.
            if (!e.run)
                onOpened();
        }
        const shown = shownState(e, inputs.failOnNoTests);
        if (inputs.failFast && (e.failure || (shown && verdictOf(v, shown, false).kind === 'error'))) {
            if (!failed.signal.aborted)
                s.log(`${runTag(e.view.inputs)} failed the step: failFast stops waiting for the other runs.`);
            failed.abort();
        }
    }));
    // A run left behind: cancelled when failFast stopped it, or (cancelOnAbort) at the timeout or on a
    // signal. Every unfinished run is stopped then, so each stop knows the others are this step's own.
    const left = entries.filter((e) => e.run &&
        !isTerminal(e.run) &&
        e.run.status !== 'triggered' &&
        !e.failure &&
        (e.stopped === 'failFast' || (inputs.cancelOnAbort && (e.stopped === 'signal' || e.run.status === 'timed_out'))));
    const ours = new Set(left.map((e) => e.run.id));
    await Promise.all(left.map(async (e) => {
        e.view.ctx.ownRuns = ours;
        e.cancelled = await cancelNow(e.view, e.run);
    }));
    if (stop.aborted) {
        stepState.markDone();
        s.github?.hurry();
    }
    else {
        await Promise.all(entries.map(async (e) => {
            if (e.run && !e.failure && !e.stopped)
                e.tests = await readTestResults(e.view, e.run, clock, stop);
        }));
    }
    await finishMany(s, entries);
    stepState.markDone();
}
/** The step's outputs over its runs, as far as they have got. */
function writeOutputs(s, entries) {
    for (const [name, value] of Object.entries(batchOutputs(s.provider.name, entries, s.inputs.failOnNoTests)))
        if (!runner_files_setOutput(name, value))
            break;
}
/**
 * The report sequence of a step of several runs, as of one: the outputs, the job summary, a commit
 * status per run (its own context), one pull-request comment, then annotations, JUnit, the verdict.
 */
async function finishMany(s, entries) {
    const { inputs, provider } = s;
    writeOutputs(s, entries);
    const withTests = entries.filter((e) => e.tests);
    if (withTests.length > 0)
        setFailedTests(withTests.flatMap((e) => e.tests.map((t) => ({ ...t, runId: e.run.id }))));
    const context = { inputs, title: provider.title, report: s.report };
    buildBatchSummary(context, entries);
    await writeSummary();
    const shown = entries.map((e) => shownState(e, inputs.failOnNoTests));
    await Promise.all(entries.map((e, i) => (shown[i] ? e.view.github?.status(shown[i]) : undefined)));
    await comment(s, entries, shown);
    concludeBatch(context, entries, verdictContextOf(inputs, provider.title));
}
/** The one pull-request comment over every run, under a key naming them all. */
async function comment(s, entries, shown) {
    if (!s.github || shown.every((st) => st === undefined))
        return;
    const { title, key } = batchPublishedAs(s.provider, s.inputs);
    const status = combined(shown).status;
    await s.github.as(title, key, { commitStatus: false }).commentWith((c) => batchCommentBody(c, status, entries.map((e, i) => ({ label: e.label, run: shown[i], problem: e.failure, tests: e.tests }))));
    debug(`GitHub: one comment for ${entries.length} runs`);
}

;// CONCATENATED MODULE: ./src/rerun.ts
// Re-running a failed run's failed tests (rerunFailed; docs/how-it-works.md, Flaky tests): each
// re-run is started once, followed under the step's deadline, signal and client like the first
// run, and its per-test results replace those of the tests it re-ran. A test that failed and then
// passed is flaky; the verdict follows each test's last attempt. A re-run that cannot be started or
// read leaves the verdict the run already had, and says why.







const keyOf = (t) => `${t.suite ?? ''}\u0000${t.name}`;
/** The tests after a re-run: each one it re-ran takes its new result, and keeps the failures before it. */
function merged(tests, again) {
    const latest = new Map(again.map((t) => [keyOf(t), t]));
    return tests.map((t) => {
        const next = t.status === 'failed' ? latest.get(keyOf(t)) : undefined;
        if (!next)
            return t;
        return { ...next, earlierFailures: [...(t.earlierFailures ?? []), { error: t.error }] };
    });
}
/**
 * The first run judged by each test's last attempt: passed once no test fails (failed with
 * failOnFlaky when one passed only on a re-run), its counts moved by the tests that passed since.
 */
function judged(first, tests, attempts, failOnFlaky) {
    const flaky = flakyOf(tests).length;
    const stillFailing = tests.some((t) => t.status === 'failed');
    const last = attempts.at(-1);
    // A re-run that did not end as a run of tests (cancelled, an error, the deadline) proves nothing.
    const settled = last !== undefined && (last.status === 'passed' || last.status === 'failed');
    const c = first.counts;
    // Every failure the run counted must be a test the re-runs saw pass: a failure the per-test
    // results do not list (an aborted test counted apart) was never re-run, so it still stands.
    const failedAtFirst = tests.filter((t) => t.status === 'failed' || (t.earlierFailures?.length ?? 0) > 0).length;
    const accounted = c.failed === undefined || failedAtFirst >= c.failed;
    const passes = settled && !stillFailing && accounted;
    return {
        ...first,
        status: passes && !(failOnFlaky && flaky > 0) ? 'passed' : 'failed',
        providerStatus: last ? `${first.providerStatus}, re-run: ${last.providerStatus}` : first.providerStatus,
        counts: {
            ...c,
            passed: c.passed === undefined ? undefined : c.passed + flaky,
            failed: c.failed === undefined ? undefined : Math.max(0, c.failed - flaky)
        },
        endedAt: last?.endedAt ?? first.endedAt,
        refs: { ...first.refs, ...(attempts.length > 0 && { rerunIds: attempts.map((a) => a.id).join(',') }) },
        flaky,
        ...(passes && { message: undefined })
    };
}
/**
 * Re-runs the failed tests of `first` (which failed) up to `rerunFailed` times, while some still
 * fail and the deadline allows. A signal during a re-run ends the wait as it ends the first run's
 * (WaitAborted, with the re-run as the last state), so the step stops and cancels that re-run.
 */
async function rerunFailedTests(s, first, tests, clock, signal) {
    const { provider, inputs } = s;
    const attempts = [];
    let current = tests;
    let stopped;
    for (let n = 1; n <= inputs.rerunFailed; n++) {
        const failing = current.filter((t) => t.status === 'failed');
        if (failing.length === 0)
            break;
        if (clock.now() >= s.deadline) {
            stopped = 'the step reached its timeout before the re-run';
            break;
        }
        const of = attempts.at(-1) ?? first;
        s.log(`Re-running the ${failing.length} failed test${failing.length === 1 ? '' : 's'} of run ${of.id} (re-run ${n} of ${inputs.rerunFailed})\u2026`);
        let rerun;
        try {
            // Each re-run is a start of its own: a key of its own, never re-sent after it may have arrived.
            rerun = await provider.rerunFailed({ ...s.ctx, http: s.ctx.http.startingWith(`${s.idempotencyKey}-rerun-${n}`) }, of, signal);
        }
        catch (e) {
            if (signal.aborted || !(e instanceof PlatformError))
                throw e;
            stopped = `the re-run could not be started: ${e.message}`;
            break;
        }
        // The re-run is the run a post step would cancel now.
        stepState.setRunId(rerun.id, s.index);
        s.log(`Started re-run ${rerun.id}${rerun.url ? `: ${rerun.url}` : ''}`);
        const end = await waitForRun(rerun, { ...waitOptions(s, clock, signal), log: (l) => s.log(`Re-run ${n}: ${l}`) });
        attempts.push(end);
        s.log(`Re-run ${end.id}: ${progressLine(end)}`);
        if (!isTerminal(end) || (end.status !== 'passed' && end.status !== 'failed')) {
            stopped = `re-run ${end.id} ended ${end.status} (${oneLine(end.providerStatus, 60)})`;
            break;
        }
        const again = await readTestResults(s, end, clock, signal, true);
        if (!again) {
            stopped = `the results of re-run ${end.id} could not be read`;
            break;
        }
        current = merged(current, again);
    }
    if (stopped)
        annotate('warning', `Re-running the failed tests stopped: ${oneLine(stopped, 600)}${/[.!?]$/.test(stopped) ? '' : '.'} The verdict is the run's own.`);
    const flaky = flakyOf(current);
    if (flaky.length > 0)
        s.log(`Passed only on a re-run (flaky): ${flaky.map((t) => oneLine(`${t.suite ? `${t.suite} \u203a ` : ''}${t.name}`, 120)).join(', ')}`);
    return { run: judged(first, current, attempts, inputs.failOnFlaky), tests: current, attempts, stopped };
}

;// CONCATENATED MODULE: ./src/main.ts
// The process shell: signals, the main step's sequence (open, follow, report) and the entry point
// that tells the main step from the post step.













/**
 * The one report sequence, the same on every path: the outputs, then the job summary, then what
 * comes after it (per-test annotations, the JUnit file) and last the verdict.
 */
async function finish(s, outcome) {
    const r = reportOf(outcome, { inputs: s.inputs, title: s.provider.title, report: s.report });
    setOutputs(s.provider.name, r.outputs);
    if (r.tests)
        setFailedTests(r.tests);
    r.summary();
    await writeSummary();
    await s.github?.status(r.outputs);
    if (r.outputs.id)
        await s.github?.comment(r.outputs, r.tests);
    r.conclude();
}
/** Follows the run to its end (or the deadline), then reports it: summary, failed tests, JUnit, verdict. */
async function follow(s, first, clock, signal, onState) {
    const { inputs, provider } = s;
    const final = await waitForRun(first, {
        ...waitOptions(s, clock, signal),
        onState: (st) => {
            onState(st);
            setOutputs(provider.name, st);
        }
    });
    onState(final);
    const cancelled = final.status === 'timed_out' && inputs.cancelOnAbort && (await cancelNow(s, final));
    const read = await readTestResults(s, final, clock, signal);
    info(`Final: ${progressLine(final)}`);
    // rerunFailed: a run whose tests failed has them re-run (docs/how-it-works.md, Flaky tests).
    const reruns = inputs.rerunFailed > 0 && final.status === 'failed' && read?.some((t) => t.status === 'failed')
        ? await rerunFailedTests(s, final, read, clock, signal)
        : undefined;
    if (inputs.rerunFailed > 0 && final.status === 'failed' && !read)
        s.report.notes.push('The failed tests were not re-run (rerunFailed): their per-test results could not be read, so which tests failed is not known.');
    const run = reruns?.run ?? (inputs.rerunFailed > 0 && isTerminal(final) ? { ...final, flaky: 0 } : final);
    await finish(s, { kind: 'followed', run, tests: reruns?.tests ?? read, cancelled, reruns });
}
/** The workflow was cancelled while the step waited: cancel the run if asked, report, fail. */
async function stopped(s, last) {
    const cancelled = s.inputs.cancelOnAbort ? await cancelNow(s, last) : false;
    stepState.markDone();
    s.github?.hurry();
    await finish(s, { kind: 'stopped', last, cancelled });
}
/** The main step. Resolves when the step is over; never throws. */
async function run(clock = realClock, exit = process.exit, registry) {
    const s = setUp(clock, 'main', registry);
    if (!s)
        return;
    const { inputs, provider } = s;
    // First signal: stop waiting (and cancel the remote run if asked). A second one: stop at once.
    const stop = new AbortController();
    const onSignal = () => {
        if (stop.signal.aborted)
            exit(1);
        info('Received a cancel signal from the runner; stopping.');
        stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    s.github?.follow(stop.signal);
    let current;
    try {
        // Several runs (README, One gate over several runs) have a sequence of their own; one run keeps this one.
        if (inputs.runs.length > 1)
            return await runMany(s, clock, stop.signal);
        current = await openRun(s, stop.signal);
        if (inputs.wait || inputs.runId !== undefined) {
            setOutputs(provider.name, current);
            await follow(s, current, clock, stop.signal, (st) => (current = st));
        }
        else {
            current = { ...current, status: 'triggered' };
            await finish(s, { kind: 'triggered', run: current });
        }
        stepState.markDone();
    }
    catch (e) {
        if (e instanceof WaitAborted || (stop.signal.aborted && current))
            await stopped(s, e instanceof WaitAborted ? e.last : current);
        else if (e instanceof WaitFailed)
            await finish(s, { kind: 'failed', error: e.cause, message: e.message, last: e.last, cancelled: false });
        else if (e instanceof PlatformError)
            await finish(s, { kind: 'failed', error: e, message: e.message, last: current, cancelled: stop.signal.aborted });
        else
            await finish(s, { kind: 'bug', message: e instanceof Error ? e.message : String(e), last: current });
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}
/**
 * Entry point. action.yml runs the main step as dist/index.js and the post step as dist/post.js
 * (`entry`); a post step run as index.js is known by the mark its main step saved. The mark is
 * saved before the main step's first request: a post step that finds none (the workflow was
 * cancelled before the main step ran) sends nothing (docs/reliability.md, "Post step").
 */
async function main_start(entry = process.argv[1] ?? '', exit = process.exit) {
    // Mask the token before anything else can print.
    const token = getInput('token');
    if (token)
        setSecret(token);
    const began = stepState.began();
    if (/(^|[\\/])post\.js$/.test(entry) || began) {
        if (began)
            await post();
        else
            info('The main step of this action never began (the workflow was cancelled before it ran): nothing to clean up.');
    }
    else {
        stepState.markBegan();
        await run(realClock, exit);
    }
    // Pending sockets of abandoned requests must not hold the step open.
    exit();
}

;// CONCATENATED MODULE: ./src/index.ts
// The action's entry point: GitHub runs dist/index.js (main and post step), which is this file bundled.

void main_start();

