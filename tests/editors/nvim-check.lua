-- Waits for qbank's finding on the unresolved `[Ref: X9]` in the current buffer, then exits
-- 0 when it came (with its source and code), 1 when it did not.
local function found()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.source == 'qbank' and tostring(d.message):find('X9', 1, true) then
      return d
    end
  end
end
local ok = vim.wait(60000, function() return found() ~= nil end, 100)
local d = found()
if ok and d then
  io.stdout:write(string.format('nvim received: line %d: %s\n', d.lnum + 1, d.message:gsub('\n.*', '')))
  vim.cmd('qa!')
else
  io.stderr:write('nvim received no qbank finding for [Ref: X9]; diagnostics: '
    .. vim.inspect(vim.diagnostic.get(0)) .. '\n')
  vim.cmd('cquit 1')
end
