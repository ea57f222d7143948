// Saves text the renderer already holds as a file, through a Blob: no path crosses to main.
export function downloadText(fileName: string, mimeType: string, content: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  doc.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The click has handed the Blob to the browser's download; the URL can go after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
