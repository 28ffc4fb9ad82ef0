// PurgeCSS settings for scripts/lib.sh kp_web_build: keeps of Det Fælles
// Designsystem's CSS only the rules whose classes, ids and elements appear
// in the pages and their scripts (web/, run from there). A class the
// scripts build from parts is named here, or it would be dropped.
module.exports = {
  content: ['index.html', 'js/**/*.js', 'admin/index.html', 'admin/js/**/*.js', 'dev-idp/index.html', 'dev-idp/*.js'],
  safelist: {
    // ui.js: alert(variant) gives "alert alert-${variant}", badge(text,
    // variant) "badge badge-${variant}".
    standard: [/^alert-(success|info|warning|error)$/, /^badge-/],
  },
};
