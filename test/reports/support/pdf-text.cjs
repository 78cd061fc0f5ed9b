// Prints the text of the PDF read from stdin; with --pages, a JSON array of each page's text. pdf-parse loads pdf.js
// through dynamic imports, which jest's module sandbox refuses, so specs run this in a Node process of its own.
const { PDFParse } = require('pdf-parse');

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    const { text, pages } = await parser.getText();
    process.stdout.write(process.argv.includes('--pages') ? JSON.stringify(pages.map((page) => page.text)) : text);
  } finally {
    await parser.destroy();
  }
});
