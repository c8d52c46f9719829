// Placeholder until the full page lands: lists stories from the API.
fetch('/api/stories').then(r => r.json()).then(d => {
  const main = document.getElementById('app');
  main.textContent = '';
  for (const s of d.stories) {
    const p = document.createElement('p');
    p.textContent = `${s.headline} (${s.article_count})`;
    main.appendChild(p);
  }
});
