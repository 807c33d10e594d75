namespace ECommerce.Cart.Carts;

/// <summary>
/// Every change to a cart is one Lua script: Redis runs it alone, so two devices changing one cart at
/// the same moment never lose an update, and each change is one round trip that also returns the
/// changed cart.
/// </summary>
/// <remarks>
/// One hash per cart, key <c>&lt;prefix&gt;cart:{&lt;owner&gt;}</c> (the braces keep a cart's keys in
/// one Redis Cluster slot). Fields:
/// <c>created</c>, <c>updated</c> (Unix ms); <c>cur</c> the cart's currency while it has lines;
/// <c>n</c> / <c>ns</c> the number of cart / saved lines; <c>seq</c> a counter that orders lines;
/// <c>q:&lt;sku&gt;</c> a line's quantity and <c>m:&lt;sku&gt;</c> "&lt;seq&gt; &lt;currency&gt; &lt;units&gt; &lt;nanos&gt;"
/// (its order and the price when its quantity was set); <c>s:&lt;sku&gt;</c> "&lt;quantity&gt; &lt;seq&gt;" for a saved line.
/// A user's applied order ids are a set at <c>&lt;cart key&gt;:orders</c>.
/// Common arguments: ARGV[1] now (ms), ARGV[2] time to live (ms, 0 for none), ARGV[3] "1" when the
/// cart must exist already (a guest cart: only CreateGuestCart makes one). A script answers
/// {status, detail, HGETALL of the cart after the change}.
/// </remarks>
internal static class CartScripts
{
    private const string Prologue = """
        local key = KEYS[1]
        local now, ttl = ARGV[1], tonumber(ARGV[2])
        if ARGV[3] == '1' and redis.call('EXISTS', key) == 0 then return {'NO_CART', '', {}} end
        local function changed(detail)
          redis.call('HSET', key, 'updated', now)
          redis.call('HSETNX', key, 'created', now)
          if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
          return {'OK', detail or '', redis.call('HGETALL', key)}
        end
        local function refused(status, detail) return {status, detail or '', {}} end
        local function count(field) return tonumber(redis.call('HGET', key, field) or '0') end
        local function nextSeq() return redis.call('HINCRBY', key, 'seq', 1) end
        local function removeLine(sku)
          redis.call('HDEL', key, 'q:' .. sku, 'm:' .. sku)
          local n = count('n') - 1
          redis.call('HSET', key, 'n', n)
          if n <= 0 then redis.call('HDEL', key, 'cur') end
        end

        """;

    /// <summary>Reads a cart; a guest cart's expiry starts again (reading is activity).</summary>
    public const string Read = Prologue + """
        if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
        return {'OK', '', redis.call('HGETALL', key)}
        """;

    /// <summary>Starts an empty cart.</summary>
    public const string Create = Prologue + "return changed()";

    /// <summary>
    /// Sets a line. ARGV[4] sku, [5] quantity, [6] per-line limit, [7] line limit, [8] currency,
    /// [9] "&lt;currency&gt; &lt;units&gt; &lt;nanos&gt;" effective price, [10] units available, [11] mode:
    /// "add" adds the quantity, "set" replaces it (the line must exist), "move" adds the saved line's
    /// quantity, capped at the per-line limit, and empties the saved line.
    /// </summary>
    public const string SetLine = Prologue + """
        local sku, quantity, perLine, maxLines = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
        local currency, price, available, mode = ARGV[8], ARGV[9], tonumber(ARGV[10]), ARGV[11]
        local current = tonumber(redis.call('HGET', key, 'q:' .. sku) or '0')
        local lines = count('n')
        local target
        if mode == 'set' then
          if current == 0 then return refused('NOT_IN_CART') end
          target = quantity
        elseif mode == 'move' then
          local saved = redis.call('HGET', key, 's:' .. sku)
          if not saved then return refused('NOT_SAVED') end
          target = math.min(current + tonumber(string.match(saved, '^(%d+)')), perLine)
        else
          target = current + quantity
        end
        if target > perLine then return refused('LINE_LIMIT', tostring(current)) end
        if current == 0 and lines >= maxLines then return refused('CART_LIMIT', tostring(lines)) end
        local cartCurrency = redis.call('HGET', key, 'cur')
        if current == 0 and lines > 0 and cartCurrency and cartCurrency ~= currency then return refused('CURRENCY', cartCurrency) end
        if target > current and target > available then return refused('STOCK', tostring(current)) end
        local seq
        if current == 0 then
          seq = nextSeq()
          redis.call('HSET', key, 'n', lines + 1)
        else
          seq = string.match(redis.call('HGET', key, 'm:' .. sku) or '0', '^(%d+)')
        end
        redis.call('HSET', key, 'q:' .. sku, target, 'm:' .. sku, seq .. ' ' .. price, 'cur', currency)
        if mode == 'move' then
          redis.call('HDEL', key, 's:' .. sku)
          redis.call('HSET', key, 'ns', count('ns') - 1)
        end
        return changed()
        """;

    /// <summary>
    /// ARGV[4] sku, [5] mode: "remove" a line, "save" a line for later ([6] per-line limit, [7] line
    /// limit of the saved list; quantities add up with a saved line already there), "unsave" removes a
    /// saved line; "clear" removes every line.
    /// </summary>
    public const string RemoveLine = Prologue + """
        local sku, mode = ARGV[4], ARGV[5]
        if mode == 'clear' then
          local fields = redis.call('HKEYS', key)
          for _, field in ipairs(fields) do
            local kind = string.sub(field, 1, 2)
            if kind == 'q:' or kind == 'm:' then redis.call('HDEL', key, field) end
          end
          redis.call('HSET', key, 'n', 0)
          redis.call('HDEL', key, 'cur')
          return changed()
        end
        if mode == 'unsave' then
          if redis.call('HDEL', key, 's:' .. sku) == 0 then return refused('NOT_SAVED') end
          redis.call('HSET', key, 'ns', count('ns') - 1)
          return changed()
        end
        local quantity = tonumber(redis.call('HGET', key, 'q:' .. sku) or '0')
        if quantity == 0 then return refused('NOT_IN_CART') end
        if mode == 'save' then
          local perLine, maxLines = tonumber(ARGV[6]), tonumber(ARGV[7])
          local saved = redis.call('HGET', key, 's:' .. sku)
          if saved then
            local savedQuantity, seq = string.match(saved, '^(%d+) (%d+)$')
            redis.call('HSET', key, 's:' .. sku, math.min(tonumber(savedQuantity) + quantity, perLine) .. ' ' .. seq)
          else
            local savedLines = count('ns')
            if savedLines >= maxLines then return refused('SAVED_LIMIT', tostring(savedLines)) end
            redis.call('HSET', key, 's:' .. sku, quantity .. ' ' .. nextSeq(), 'ns', savedLines + 1)
          end
        end
        removeLine(sku)
        return changed()
        """;

    /// <summary>
    /// Moves the guest cart KEYS[2] into the user's cart KEYS[1] and deletes it. ARGV[4] per-line limit,
    /// [5] line limit. Guest lines go in the order they were added; a SKU already in the cart adds up
    /// (capped); a new one joins while the line limit and the cart's currency allow, else it goes to the
    /// saved list. Saved guest lines join the saved list (capped). Answers "&lt;merged&gt; &lt;saved&gt;".
    /// </summary>
    public const string Merge = Prologue + """
        local guest, perLine, maxLines = KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5])
        if redis.call('EXISTS', guest) == 0 then return refused('NO_GUEST') end
        local g = {}
        local flat = redis.call('HGETALL', guest)
        for i = 1, #flat, 2 do g[flat[i]] = flat[i + 1] end
        local guestLines, guestSaved = {}, {}
        for field, value in pairs(g) do
          local kind, sku = string.sub(field, 1, 2), string.sub(field, 3)
          if kind == 'q:' then
            local meta = g['m:' .. sku] or '0'
            table.insert(guestLines, {sku = sku, quantity = tonumber(value), seq = tonumber(string.match(meta, '^(%d+)')), rest = string.match(meta, '^%d+ (.*)$')})
          elseif kind == 's:' then
            local quantity, seq = string.match(value, '^(%d+) (%d+)$')
            table.insert(guestSaved, {sku = sku, quantity = tonumber(quantity), seq = tonumber(seq)})
          end
        end
        table.sort(guestLines, function(a, b) return a.seq < b.seq end)
        table.sort(guestSaved, function(a, b) return a.seq < b.seq end)
        local lines, savedLines = count('n'), count('ns')
        local cartCurrency = redis.call('HGET', key, 'cur')
        if lines == 0 then cartCurrency = false end
        local guestCurrency = g['cur']
        local merged, saved = 0, 0
        local function save(sku, quantity)
          local existing = redis.call('HGET', key, 's:' .. sku)
          if existing then
            local savedQuantity, seq = string.match(existing, '^(%d+) (%d+)$')
            redis.call('HSET', key, 's:' .. sku, math.min(tonumber(savedQuantity) + quantity, perLine) .. ' ' .. seq)
          else
            redis.call('HSET', key, 's:' .. sku, math.min(quantity, perLine) .. ' ' .. nextSeq())
            savedLines = savedLines + 1
          end
        end
        for _, line in ipairs(guestLines) do
          local current = tonumber(redis.call('HGET', key, 'q:' .. line.sku) or '0')
          if current > 0 then
            redis.call('HSET', key, 'q:' .. line.sku, math.min(current + line.quantity, perLine))
            merged = merged + 1
          elseif lines < maxLines and (not cartCurrency or cartCurrency == guestCurrency) and line.rest then
            redis.call('HSET', key, 'q:' .. line.sku, math.min(line.quantity, perLine), 'm:' .. line.sku, nextSeq() .. ' ' .. line.rest, 'cur', guestCurrency)
            cartCurrency = guestCurrency
            lines = lines + 1
            merged = merged + 1
          else
            save(line.sku, line.quantity)
            saved = saved + 1
          end
        end
        for _, line in ipairs(guestSaved) do save(line.sku, line.quantity) end
        redis.call('HSET', key, 'n', lines, 'ns', savedLines)
        redis.call('DEL', guest)
        return changed(merged .. ' ' .. saved)
        """;

    /// <summary>
    /// Takes what an order bought out of the user's cart, once per order: KEYS[2] is the set of order
    /// ids already applied. ARGV[4] the order id, then SKU and quantity pairs. A line drops by the
    /// quantity bought and goes when nothing is left; units added during checkout stay.
    /// </summary>
    public const string RemovePurchased = Prologue + """
        if redis.call('SADD', KEYS[2], ARGV[4]) == 0 then return refused('ALREADY_APPLIED') end
        for i = 5, #ARGV - 1, 2 do
          local sku, bought = ARGV[i], tonumber(ARGV[i + 1])
          local current = tonumber(redis.call('HGET', key, 'q:' .. sku) or '0')
          if current > bought then
            redis.call('HSET', key, 'q:' .. sku, current - bought)
          elseif current > 0 then
            removeLine(sku)
          end
        end
        return changed()
        """;
}
