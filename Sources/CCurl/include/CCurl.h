#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>
#include <sys/types.h>

// Swift cannot call C variadic functions, so every curl_easy_setopt / curl_multi_setopt /
// curl_easy_getinfo use goes through one of these typed wrappers. Each passes the argument
// with exactly the type libcurl reads for that option class (long, pointer, curl_off_t, ...).

typedef size_t (*ccurl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*ccurl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                       curl_off_t ultotal, curl_off_t ulnow);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
/// With `copy` non-zero libcurl copies the bytes (CURL_BLOB_COPY); otherwise (CURL_BLOB_NOCOPY) the
/// caller must keep them alive and unchanged for as long as the handle may use them.
CURLcode ccurl_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length, int copy);
CURLcode ccurl_easy_setopt_write_function(CURL *handle, CURLoption option, ccurl_write_callback callback);
CURLcode ccurl_easy_setopt_read_function(CURL *handle, ccurl_read_callback callback);
CURLcode ccurl_easy_setopt_xferinfo_function(CURL *handle, ccurl_xferinfo_callback callback);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

#endif
