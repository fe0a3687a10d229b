-- qbank's language server for bank YAML files and markdown documents (Neovim 0.7+).
-- One server per session, rooted at the folder holding qbank.toml (else the working one).
local qbank_client
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'yaml', 'markdown' },
  callback = function(args)
    if not qbank_client then
      local toml = vim.fn.findfile('qbank.toml', vim.fn.expand('%:p:h') .. ';')
      qbank_client = vim.lsp.start_client({
        name = 'qbank',
        cmd = { 'qbank', 'lsp' },
        root_dir = toml ~= '' and vim.fn.fnamemodify(toml, ':p:h') or vim.fn.getcwd(),
      })
    end
    vim.lsp.buf_attach_client(args.buf, qbank_client)
  end,
})
