// The Lua scripts of the Redis queue: each operation is one script, so each is atomic. Every script takes no keys
// and ARGV[1] = the key prefix (P): keys are built inside the script, which is fine on one Redis server and is why
// Redis Cluster is not supported. Time is always Redis' own clock (TIME), never a host's; Redis 7 replicates a
// script's effects, not the script, so reading TIME before writing is safe.
//
// Keys (P = prefix): P..'seq' arrival counter; P..'q:'..mode ZSET ticketId -> arrival; P..'t:'..ticketId HASH
// {mode,name,owner,arrival,state=queued|claimed|matched,group}; P..'g:'..groupId HASH {claimer,mode,leaseUntil,
// members=JSON array of ticket ids}; P..'groups' ZSET groupId -> leaseUntil; P..'gseq'; P..'instances' ZSET
// instanceId -> last heartbeat (ms); P..'owned:'..instance SET of ticket ids (queued or claimed);
// P..'claims:'..instance SET of group ids; P..'inbox:'..instance STREAM; P..'modes' HASH mode -> K;
// channel P..'groups-waiting'.

/** Shared by every script: the prefix, the clock, and the two multi-step moves. */
const PRELUDE = `
local P = ARGV[1]
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function int(n)
  return string.format('%d', n)
end
-- Puts the members of a group that are still claimed by it back in their queue at their old arrival; deletes the
-- members whose owner is no longer registered, and the group. Returns how many went back.
local function requeueGroup(gid)
  local gk = P .. 'g:' .. gid
  local g = redis.call('HMGET', gk, 'claimer', 'mode', 'members')
  redis.call('ZREM', P .. 'groups', gid)
  if not g[1] then return 0 end
  local n = 0
  for _, id in ipairs(cjson.decode(g[3])) do
    local tk = P .. 't:' .. id
    local t = redis.call('HMGET', tk, 'state', 'group', 'arrival', 'owner')
    if t[1] == 'claimed' and t[2] == gid then
      if redis.call('ZSCORE', P .. 'instances', t[4]) then
        redis.call('HSET', tk, 'state', 'queued')
        redis.call('HDEL', tk, 'group')
        redis.call('ZADD', P .. 'q:' .. g[2], t[3], id)
        n = n + 1
      else
        redis.call('DEL', tk)
        redis.call('SREM', P .. 'owned:' .. t[4], id)
      end
    end
  end
  redis.call('DEL', gk)
  redis.call('SREM', P .. 'claims:' .. g[1], gid)
  return n
end
-- Removes an instance, at most maxTickets tickets and maxGroups groups at a time: its tickets first (waiting ones
-- leave their queue; claimed ones are deleted, so their claimer's confirm finds them missing), then its claims go
-- back to the queue; once both are empty, its keys and its registration. Returns {tickets removed, groups requeued,
-- tickets requeued, 1 when done}.
local function purgeInstance(inst, maxTickets, maxGroups)
  local ok = P .. 'owned:' .. inst
  local removed = 0
  if maxTickets > 0 then
    for _, id in ipairs(redis.call('SPOP', ok, maxTickets)) do
      local tk = P .. 't:' .. id
      local t = redis.call('HMGET', tk, 'state', 'mode')
      if t[1] == 'queued' then
        redis.call('ZREM', P .. 'q:' .. t[2], id)
        redis.call('DEL', tk)
        removed = removed + 1
      elseif t[1] == 'claimed' then
        redis.call('DEL', tk)
        removed = removed + 1
      end
    end
  end
  if redis.call('SCARD', ok) > 0 then return {removed, 0, 0, 0} end
  local ck = P .. 'claims:' .. inst
  local groups, requeued = 0, 0
  if maxGroups > 0 then
    for _, gid in ipairs(redis.call('SPOP', ck, maxGroups)) do
      groups = groups + 1
      requeued = requeued + requeueGroup(gid)
    end
  end
  if redis.call('SCARD', ck) > 0 then return {removed, groups, requeued, 0} end
  redis.call('DEL', ok, ck, P .. 'inbox:' .. inst)
  redis.call('ZREM', P .. 'instances', inst)
  return {removed, groups, requeued, 1}
end
local function registered(inst)
  return redis.call('ZSCORE', P .. 'instances', inst) ~= false
end
`;

/**
 * ARGV: P, instance, heartbeatTimeoutMs, checkInUse ('1'/'0'), then mode, K pairs.
 * Returns {'OK'} | {'E_MODES_MISMATCH', mode, theirK} | {'E_INSTANCE_IN_USE', msSinceHeartbeat}.
 */
const REGISTER = `
local now = nowMs()
local mk = P .. 'modes'
if redis.call('ZCARD', P .. 'instances') == 0 then redis.call('DEL', mk) end
for i = 5, #ARGV, 2 do
  local k = redis.call('HGET', mk, ARGV[i])
  if k and k ~= ARGV[i + 1] then return {'E_MODES_MISMATCH', ARGV[i], k} end
end
if ARGV[4] == '1' then
  local hb = redis.call('ZSCORE', P .. 'instances', ARGV[2])
  if hb and now - tonumber(hb) < tonumber(ARGV[3]) then return {'E_INSTANCE_IN_USE', int(now - tonumber(hb))} end
  -- A previous process of this instance id, dead and not recovered yet: its tickets (their connections died with
  -- it) and its claims must not come back to life with the new process.
  if hb then purgeInstance(ARGV[2], 1000000, 1000000) end
end
for i = 5, #ARGV, 2 do redis.call('HSET', mk, ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', P .. 'instances', now, ARGV[2])
return {'OK'}
`;

/** ARGV: P, instance. Returns 1, or 0 when the instance is not registered (declared dead). */
const HEARTBEAT = `
if not registered(ARGV[2]) then return 0 end
redis.call('ZADD', P .. 'instances', 'XX', nowMs(), ARGV[2])
return 1
`;

/**
 * ARGV: P, heartbeatTimeoutMs, maxTickets, maxGroups.
 * Returns {dead instances removed, their groups requeued, their tickets removed, tickets requeued from their
 * groups, expired groups requeued, tickets requeued from them}.
 */
const RECOVER = `
local now = nowMs()
local maxTickets, maxGroups = tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {0, 0, 0, 0, 0, 0}
local dead = redis.call('ZRANGEBYSCORE', P .. 'instances', '-inf', '(' .. int(now - tonumber(ARGV[2])), 'LIMIT', 0, 10)
for _, inst in ipairs(dead) do
  if maxTickets <= 0 or maxGroups <= 0 then break end
  local r = purgeInstance(inst, maxTickets, maxGroups)
  maxTickets = maxTickets - r[1]
  maxGroups = maxGroups - r[2]
  out[1] = out[1] + r[4]
  out[2] = out[2] + r[2]
  out[3] = out[3] + r[1]
  out[4] = out[4] + r[3]
  if r[4] == 0 then break end
end
if maxGroups > 0 then
  for _, gid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'groups', '-inf', '(' .. int(now), 'LIMIT', 0, maxGroups)) do
    out[5] = out[5] + 1
    out[6] = out[6] + requeueGroup(gid)
  end
end
if out[4] + out[6] > 0 then redis.call('PUBLISH', P .. 'groups-waiting', '*') end
return out
`;

/** ARGV: P, instance, ticketId, mode, name, K. Returns {'OK', arrival, position} or {code}. */
const JOIN = `
local inst, id, mode = ARGV[2], ARGV[3], ARGV[4]
if not registered(inst) then return {'E_NOT_REGISTERED'} end
local tk = P .. 't:' .. id
if redis.call('EXISTS', tk) == 1 then return {'E_ALREADY_QUEUED'} end
local arrival = redis.call('INCR', P .. 'seq')
redis.call('HSET', tk, 'mode', mode, 'name', ARGV[5], 'owner', inst, 'arrival', arrival, 'state', 'queued')
local qk = P .. 'q:' .. mode
redis.call('ZADD', qk, arrival, id)
redis.call('SADD', P .. 'owned:' .. inst, id)
local position = redis.call('ZRANK', qk, id)
-- Only when this ticket completes a group (not at every join into a long queue): one wake-up per group.
if redis.call('ZCARD', qk) % tonumber(ARGV[6]) == 0 then redis.call('PUBLISH', P .. 'groups-waiting', mode) end
return {'OK', arrival, position}
`;

/** ARGV: P, ticketId. Returns 1 when a waiting or claimed ticket was removed, else 0. */
const LEAVE = `
local id = ARGV[2]
local tk = P .. 't:' .. id
local t = redis.call('HMGET', tk, 'state', 'mode', 'owner')
if t[1] == 'queued' then
  redis.call('ZREM', P .. 'q:' .. t[2], id)
elseif t[1] ~= 'claimed' then
  return 0
end
redis.call('DEL', tk)
redis.call('SREM', P .. 'owned:' .. t[3], id)
return 1
`;

/** ARGV: P, ticketIds... Returns the 0-based rank of each, -1 when not waiting. */
const POSITIONS = `
local out = {}
for i = 2, #ARGV do
  local t = redis.call('HMGET', P .. 't:' .. ARGV[i], 'state', 'mode')
  local rank = false
  if t[1] == 'queued' then rank = redis.call('ZRANK', P .. 'q:' .. t[2], ARGV[i]) end
  out[i - 1] = rank or -1
end
return out
`;

/** ARGV: P, instance, then ticketId, mode, name, arrival quads. Returns how many were restored, or {code}. */
const RESTORE = `
local inst = ARGV[2]
if not registered(inst) then return {'E_NOT_REGISTERED'} end
local n, maxArrival = 0, 0
for i = 3, #ARGV, 4 do
  local id, mode, arrival = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 3])
  local tk = P .. 't:' .. id
  if redis.call('EXISTS', tk) == 0 then
    redis.call('HSET', tk, 'mode', mode, 'name', ARGV[i + 2], 'owner', inst, 'arrival', ARGV[i + 3], 'state', 'queued')
    redis.call('ZADD', P .. 'q:' .. mode, arrival, id)
    redis.call('SADD', P .. 'owned:' .. inst, id)
    n = n + 1
    if arrival > maxArrival then maxArrival = arrival end
  end
end
if n > 0 then
  local seq = tonumber(redis.call('GET', P .. 'seq') or '0')
  if seq < maxArrival then redis.call('SET', P .. 'seq', int(maxArrival)) end
  redis.call('PUBLISH', P .. 'groups-waiting', '*')
end
return n
`;

/**
 * ARGV: P, instance, leaseMs, maxGroups, then mode, K pairs. Returns {code} or a list of groups, each
 * {groupId, mode, leaseUntil, then ticketId, name, owner, arrival per member in arrival order}.
 */
const CLAIM = `
local inst = ARGV[2]
if not registered(inst) then return {'E_NOT_REGISTERED'} end
local leaseUntil = nowMs() + tonumber(ARGV[3])
local out = {}
for _ = 1, tonumber(ARGV[4]) do
  local best, bestK, bestArrival = nil, 0, 0
  for i = 5, #ARGV, 2 do
    local qk = P .. 'q:' .. ARGV[i]
    local k = tonumber(ARGV[i + 1])
    if redis.call('ZCARD', qk) >= k then
      local head = redis.call('ZRANGE', qk, 0, 0, 'WITHSCORES')
      local arrival = tonumber(head[2])
      if best == nil or arrival < bestArrival then best, bestK, bestArrival = ARGV[i], k, arrival end
    end
  end
  if best == nil then break end
  local popped = redis.call('ZPOPMIN', P .. 'q:' .. best, bestK)
  local gid = inst .. '/' .. redis.call('INCR', P .. 'gseq')
  local group = {gid, best, int(leaseUntil)}
  local ids = {}
  for j = 1, #popped, 2 do
    local id = popped[j]
    local tk = P .. 't:' .. id
    redis.call('HSET', tk, 'state', 'claimed', 'group', gid)
    local t = redis.call('HMGET', tk, 'name', 'owner')
    ids[#ids + 1] = id
    group[#group + 1] = id
    group[#group + 1] = t[1]
    group[#group + 1] = t[2]
    group[#group + 1] = popped[j + 1]
  end
  redis.call('HSET', P .. 'g:' .. gid, 'claimer', inst, 'mode', best, 'leaseUntil', int(leaseUntil),
    'members', cjson.encode(ids))
  redis.call('ZADD', P .. 'groups', leaseUntil, gid)
  redis.call('SADD', P .. 'claims:' .. inst, gid)
  out[#out + 1] = group
end
return out
`;

/**
 * ARGV: P, instance, groupId, heartbeatTimeoutMs, then ticketId, payload pairs.
 * Returns {'ok'} | {'lost', requeued} | {'incomplete', requeued, missing ids...} | {'E_INVALID_ARGUMENT', ticketId}.
 */
const CONFIRM = `
local inst, gid = ARGV[2], ARGV[3]
local gk = P .. 'g:' .. gid
local g = redis.call('HMGET', gk, 'claimer', 'leaseUntil', 'members')
if g[1] ~= inst then
  -- A retry of a confirm that was committed (its answer was lost with a connection or a timeout) is answered ok.
  if redis.call('GET', P .. 'confirmed:' .. gid) == inst then return {'ok'} end
  return {'lost', 0}
end
local now = nowMs()
if tonumber(g[2]) < now then return {'lost', requeueGroup(gid)} end
local payloads = {}
for i = 5, #ARGV, 2 do payloads[ARGV[i]] = ARGV[i + 1] end
local members = cjson.decode(g[3])
local owners = {}
local missing = {}
local oldest = now - tonumber(ARGV[4])
for _, id in ipairs(members) do
  if payloads[id] == nil then return {'E_INVALID_ARGUMENT', id} end
  local t = redis.call('HMGET', P .. 't:' .. id, 'state', 'group', 'owner')
  local hb = t[3] and redis.call('ZSCORE', P .. 'instances', t[3])
  if t[1] ~= 'claimed' or t[2] ~= gid or not hb or tonumber(hb) < oldest then
    missing[#missing + 1] = id
  else
    owners[id] = t[3]
  end
end
if #missing > 0 then
  local out = {'incomplete', requeueGroup(gid)}
  for _, id in ipairs(missing) do out[#out + 1] = id end
  return out
end
for _, id in ipairs(members) do
  local owner = owners[id]
  if owner ~= inst then
    redis.call('XADD', P .. 'inbox:' .. owner, 'MAXLEN', '~', 100000, '*', 'ticket', id, 'group', gid,
      'payload', payloads[id])
  end
  local tk = P .. 't:' .. id
  redis.call('HSET', tk, 'state', 'matched')
  redis.call('EXPIRE', tk, 120)
  redis.call('SREM', P .. 'owned:' .. owner, id)
end
redis.call('DEL', gk)
redis.call('ZREM', P .. 'groups', gid)
redis.call('SREM', P .. 'claims:' .. inst, gid)
redis.call('SET', P .. 'confirmed:' .. gid, inst, 'PX', 120000)
return {'ok'}
`;

/** ARGV: P, instance, groupId. Returns how many members went back (0 when the group is not this instance's). */
const REQUEUE = `
if redis.call('HGET', P .. 'g:' .. ARGV[3], 'claimer') ~= ARGV[2] then return 0 end
local n = requeueGroup(ARGV[3])
if n > 0 then redis.call('PUBLISH', P .. 'groups-waiting', '*') end
return n
`;

/** ARGV: P, modes... Returns the ZCARD of each. */
const SIZES = `
local out = {}
for i = 2, #ARGV do out[i - 1] = redis.call('ZCARD', P .. 'q:' .. ARGV[i]) end
return out
`;

/**
 * ARGV: P, max. The registered instances (at most max, the most recently heard from), read in one step: a flat list
 * of instanceId, ms since its last heartbeat (Redis' clock, never negative), SCARD of its owned tickets, SCARD of its
 * claims, for each.
 */
const HOSTS = `
local now = nowMs()
local r = redis.call('ZREVRANGE', P .. 'instances', 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
local out = {}
for i = 1, #r, 2 do
  local id = r[i]
  out[#out + 1] = id
  out[#out + 1] = int(math.max(0, now - tonumber(r[i + 1])))
  out[#out + 1] = redis.call('SCARD', P .. 'owned:' .. id)
  out[#out + 1] = redis.call('SCARD', P .. 'claims:' .. id)
end
return out
`;

/** ARGV: P, instance, then entryId, ticketId pairs: deletes delivered inbox entries and their matched tickets. */
const ACK = `
local ik = P .. 'inbox:' .. ARGV[2]
for i = 3, #ARGV, 2 do
  redis.call('XDEL', ik, ARGV[i])
  local tk = P .. 't:' .. ARGV[i + 1]
  if redis.call('HGET', tk, 'state') == 'matched' then redis.call('DEL', tk) end
end
return 1
`;

/** ARGV: P, instance, maxTickets, maxGroups. Returns purgeInstance's result; publishes when tickets went back. */
const DEREGISTER = `
local r = purgeInstance(ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
if r[3] > 0 then redis.call('PUBLISH', P .. 'groups-waiting', '*') end
return r
`;

/** The scripts, by the name ioredis' `defineCommand` gives them (prefixed so they cannot shadow a command). */
export const SCRIPTS = {
  mmRegister: REGISTER,
  mmHeartbeat: HEARTBEAT,
  mmRecover: RECOVER,
  mmJoin: JOIN,
  mmLeave: LEAVE,
  mmPositions: POSITIONS,
  mmRestore: RESTORE,
  mmClaim: CLAIM,
  mmConfirm: CONFIRM,
  mmRequeue: REQUEUE,
  mmSizes: SIZES,
  mmHosts: HOSTS,
  mmAck: ACK,
  mmDeregister: DEREGISTER,
} as const;

/** The name of one script. */
export type ScriptName = keyof typeof SCRIPTS;

/** The full source of a script: the shared prelude, then its body. */
export function scriptSource(name: ScriptName): string {
  return PRELUDE + SCRIPTS[name];
}
